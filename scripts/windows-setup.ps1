<#
.SYNOPSIS
  One-time setup of the Refresh button for one Windows user: a private Python environment with
  pinned xltrack and xlwings, and the interpreter path written into the workbook.

.DESCRIPTION
  1. finds Python 3.11+ (the "py" launcher, else "python" on PATH);
  2. creates a private virtual environment (default: %LOCALAPPDATA%\xltrack\venv);
  3. installs the pinned versions: xltrack and xlwings (the xlwings version MUST equal the
     version of the xlwings VBA module inside the workbook: `xltrack excel make-macro` prints it);
  4. runs `xltrack excel setup WORKBOOK --python <venv>\Scripts\pythonw.exe`, which writes
     Interpreter_Win into the workbook's xlwings.conf sheet (only that sheet changes);
  5. removes the "downloaded from the internet" mark from the workbook (Unblock-File), so Excel
     offers "Enable Content" instead of blocking the macros.

  Close the workbook in Excel before running this script.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File windows-setup.ps1 -Workbook "C:\Sales\pipeline.xlsm"

.EXAMPLE
  # from a wheel file or a private index instead of PyPI
  .\windows-setup.ps1 -Workbook .\pipeline.xlsm -Xltrack "C:\Downloads\xltrack-0.1.0-py3-none-any.whl"
#>
param(
    [Parameter(Mandatory = $true)][string]$Workbook,
    [string]$Xltrack = "xltrack==0.1.0",
    [string]$XlwingsVersion = "0.37.8",
    [string]$VenvDir = (Join-Path $env:LOCALAPPDATA "xltrack\venv")
)
$ErrorActionPreference = "Stop"

function Find-Python {
    foreach ($cand in @(@("py", "-3.13"), @("py", "-3.12"), @("py", "-3.11"), @("python"))) {
        $exe = $cand[0]
        $args_ = @($cand | Select-Object -Skip 1)
        if (Get-Command $exe -ErrorAction SilentlyContinue) {
            $ok = & $exe @args_ -c "import sys; print(sys.version_info >= (3, 11))" 2>$null
            if ($LASTEXITCODE -eq 0 -and $ok -eq "True") { return ,$cand }
        }
    }
    throw "Python 3.11 or newer was not found. Install it from python.org (tick 'Add python.exe to PATH'), then rerun."
}

$Workbook = (Resolve-Path $Workbook).Path
if (-not $Workbook.ToLower().EndsWith(".xlsm")) { throw "$Workbook is not a macro-enabled workbook (.xlsm)." }
$lock = Join-Path (Split-Path $Workbook) ("~$" + (Split-Path $Workbook -Leaf))
if (Test-Path $lock) { throw "The workbook is open in Excel. Close it and rerun." }

$py = Find-Python
Write-Host "Using Python:" ($py -join " ")
if (-not (Test-Path (Join-Path $VenvDir "Scripts\python.exe"))) {
    Write-Host "Creating the private environment in $VenvDir"
    $pyArgs = @($py | Select-Object -Skip 1) + @("-m", "venv", $VenvDir)
    & $py[0] @pyArgs
    if ($LASTEXITCODE -ne 0) { throw "Could not create the environment in $VenvDir." }
}
$vpy = Join-Path $VenvDir "Scripts\python.exe"
$vpyw = Join-Path $VenvDir "Scripts\pythonw.exe"

Write-Host "Installing $Xltrack and xlwings==$XlwingsVersion"
& $vpy -m pip install --upgrade pip | Out-Null
& $vpy -m pip install "$Xltrack" "xlwings==$XlwingsVersion"
if ($LASTEXITCODE -ne 0) { throw "pip install failed (see above). Check the network/proxy and rerun." }

& $vpy -c "import xltrack.excel, xlwings; print('xltrack ok, xlwings', xlwings.__version__)"
if ($LASTEXITCODE -ne 0) { throw "The environment is incomplete: xltrack or xlwings does not import." }

Write-Host "Writing the interpreter path into the workbook"
& (Join-Path $VenvDir "Scripts\xltrack.exe") excel setup "$Workbook" --python "$vpyw"
if ($LASTEXITCODE -ne 0) { throw "xltrack excel setup failed (exit code $LASTEXITCODE)." }

Unblock-File -Path $Workbook
Write-Host ""
Write-Host "Done. Open $Workbook in Excel, click 'Enable Content' once, then click the Refresh button."
