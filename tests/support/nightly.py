"""Real parts for the nightly-job tests: a loopback SMTP server with AUTH and TLS, a self-signed
certificate made in the test, small workbooks, and hand-built Tables/Results.

The SMTP server is aiosmtpd's threaded ``Controller`` on 127.0.0.1 and a free ephemeral port;
it requires STARTTLS (or speaks implicit TLS) and AUTH, and records what it received.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from xltrack.compute.results import Results
from xltrack.pipeline import default_pipeline
from xltrack.pipeline.models import Owner
from xltrack.tables import SheetInfo, Tables

USER, PASSWORD = "robot@example.com", "pa55-秘密-word"


# ------------------------------------------------------------------------------ certificates
def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 / localhost and its key (cryptography, else ``openssl req``)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:  # pragma: no cover - the machine has cryptography
        import subprocess

        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        return cert, key
    k = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    c = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(k.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
         .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                     x509.DNSName("localhost")]), critical=False)
         .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
         .sign(k, hashes.SHA256()))
    cert.write_bytes(c.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return cert, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------ SMTP server
@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class SmtpServer:
    host: str
    port: int
    cert: Path
    messages: list[Received] = field(default_factory=list)
    auth_attempts: int = 0           # AUTH commands (smtplib tries PLAIN, then LOGIN)
    auth_sessions: set = field(default_factory=set)   # connections that tried to log in
    controller: object = None

    def stop(self) -> None:
        self.controller.stop()


def start_smtp(folder: Path, *, implicit_tls: bool = False, password: str = PASSWORD,
               plain: bool = False) -> SmtpServer:
    """``plain``: a local relay without TLS or AUTH (a postfix on localhost, say)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = self_signed_cert(folder)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    server = SmtpServer(host="127.0.0.1", port=free_port(), cert=cert)

    class Handler:
        async def handle_DATA(self, srv, session, envelope):
            server.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                            envelope.original_content or envelope.content))
            return "250 OK"

    def authenticator(srv, session, envelope, mechanism, auth_data):
        server.auth_attempts += 1
        server.auth_sessions.add(id(session))
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)

    kw = dict(authenticator=authenticator, auth_required=True)
    if plain:
        ctrl = Controller(Handler(), hostname=server.host, port=server.port)
    elif implicit_tls:
        # aiosmtpd does not count implicit TLS as TLS for auth_require_tls: the socket is TLS anyway
        ctrl = Controller(Handler(), hostname=server.host, port=server.port, ssl_context=ctx,
                          auth_require_tls=False, **kw)
    else:
        ctrl = Controller(Handler(), hostname=server.host, port=server.port, tls_context=ctx,
                          require_starttls=True, auth_require_tls=True, **kw)
    ctrl.start()
    server.controller = ctrl
    return server


# ------------------------------------------------------------------------------ data
AS_OF = dt.date(2026, 11, 27)   # a Friday


def _ts(s: str | None):
    return pd.Timestamp(s) if s else pd.NaT


def sample(lang: str = "zh", *, team: str = "销售一部", owner_email: str = "zhang@example.com"):
    """(Tables, Results) of four projects: two red (张三, Alice), one yellow, one won."""
    pipe = default_pipeline()
    pipe.team = team
    pipe.owners = [Owner(name="张三", email=owner_email), Owner(name="Alice", email="alice@example.com"),
                   Owner(name="王五", email=None)]
    projects = pd.DataFrame({
        "id": ["P-0001", "P-0002", "P-0003", "P-0004"],
        "customer": ["华东电力", "Acme <b>Corp</b>", "北方重工", "南方航空"],
        "project": ["智能巡检平台", "ERP rollout", "MES 二期", "客服系统"],
        "owner": ["张三", "Alice", "张三", "王五"],
        "stage": ["negotiation", "proposal", "discovery", "won"],
        "amount": [1200000.0, 350000.0, 800000.0, 500000.0],
        "_row": [2, 3, 4, 5],
    })
    payments = pd.DataFrame({
        "project_id": ["P-0004", "P-0004", "P-0001"],
        "installment": ["首付款", "尾款", "预付款"],
        "planned_date": [_ts("2026-11-10"), _ts("2026-12-20"), _ts("2026-11-29")],
        "planned_amount": [200000.0, 300000.0, 100000.0],
        "actual_date": [pd.NaT, pd.NaT, pd.NaT],
        "actual_amount": [float("nan")] * 3,
        "_row": [2, 3, 4],
    })
    tables = Tables(lang=lang, pipeline=pipe, projects=projects, activities=pd.DataFrame(),
                    payments=payments, issues=[],
                    sheets={"projects": SheetInfo("projects", "项目跟踪" if lang == "zh" else "Projects",
                                                  1, {}, {}, 5, 10)})
    zh = lang == "zh"
    res_projects = pd.DataFrame({
        "id": projects["id"], "_row": projects["_row"], "stage": projects["stage"],
        "stage_kind": ["open", "open", "open", "won"], "owner": projects["owner"],
        "amount": projects["amount"],
        "light": ["red", "red", "yellow", "green"],
        "reasons": [["12 天未跟进（红线 10 天）", "下一步已逾期 3 天"] if zh else
                    ["Negotiation: 12 days without follow-up (red at 10)", "Next step overdue by 3 days"],
                    ["预计成交日期已过"] if zh else ["Expected close date has passed"],
                    ["缺少下一步计划"] if zh else ["Next step missing"], []],
        "weighted_amount": [720000.0, 140000.0, 160000.0, 500000.0],
    })
    res_payments = pd.DataFrame({
        "project_id": payments["project_id"], "_row": payments["_row"],
        "status": ["overdue", "planned", "due"],
        "status_text": ["逾期 17 天", "计划中", "本周到期"] if zh else ["17 days overdue", "planned", "due"],
        "overdue_days": [17.0, float("nan"), float("nan")],
        "outstanding": [200000.0, 300000.0, 100000.0],
    })
    changes = pd.DataFrame({
        "id": ["P-0004", "P-0001"], "customer": ["南方航空", "华东电力"], "project": ["客服系统", "智能巡检平台"],
        "owner": ["王五", "张三"], "change": ["won", "advanced"],
        "change_text": ["赢单", "阶段推进"] if zh else ["won", "advanced"],
        "from_value": ["商务洽谈", "方案制定"], "to_value": ["成交交付", "商务洽谈"],
    })
    results = Results(as_of=AS_OF, lang=lang, currency="CNY", projects=res_projects,
                      payments=res_payments, kpis={"issues": {"error": 2, "warning": 1}},
                      changes=changes)
    return tables, results


def workbook(path: Path, *, formula: bool = False, stale: bool = False) -> Path:
    """A small .xlsx: a Projects sheet with the refreshed lights and, optionally, a user formula.

    ``stale``: the formula's cached value is deliberately wrong (999), as after an external edit.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目跟踪"
    ws.append(["项目编号", "客户名称", "预计金额", "状态灯"])
    ws.append(["P-0001", "华东电力", 1200000, "红"])
    ws.append(["P-0002", "Acme <b>Corp</b>", 350000, "红"])
    if formula:
        ws["F1"] = "合计"
        ws["F2"] = "=SUM(C2:C3)"
    wb.save(path)
    if formula and stale:
        set_cached_value(path, "xl/worksheets/sheet1.xml", "F2", "999")
    return path


def set_cached_value(path: Path, part: str, ref: str, value: str) -> None:
    """Give a formula cell a (wrong) cached value, and drop openpyxl's fullCalcOnLoad flag."""
    import re

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = re.sub(rb'(<c r="' + ref.encode() + rb'"[^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>|<v\s*/>)?',
                              lambda m: m.group(1) + m.group(2) + b"<v>" + value.encode() + b"</v>", data)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            zout.writestr(info, data)
    tmp.replace(path)


def make_xlsm(src: Path, dst: Path) -> Path:
    """Turn an .xlsx into a macro-enabled package: a VBA project part, its rel and content types."""
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE header: stands in for VBA
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVBA1" '
                                    b'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                                    b'Target="vbaProject.bin"/></Relationships>')
            zout.writestr(info, data)
        zout.writestr("xl/vbaProject.bin", vba)
    return dst


# -- pytest fixtures shared by the end-to-end nightly tests (import them into the test module) ----
import shutil as _shutil  # noqa: E402

import pytest as _pytest  # noqa: E402


@_pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    """The demo workbook (60 projects, seed 7, as of AS_OF), built once per module."""
    from xltrack.build.api import init

    return init(tmp_path_factory.mktemp("demo") / "销售跟踪.xlsx", demo=True, rows=60, seed=7, as_of=AS_OF)


@_pytest.fixture
def book(demo_book, tmp_path):
    """A private copy of the demo workbook for one test."""
    return _shutil.copy(demo_book, tmp_path / "销售跟踪.xlsx")


@_pytest.fixture
def smtp_env(tmp_path, monkeypatch):
    """A real SMTP server on loopback (STARTTLS + AUTH) and the environment that points nightly at it."""
    srv = start_smtp(tmp_path)
    for k, v in {"XLTRACK_SMTP_HOST": srv.host, "XLTRACK_SMTP_PORT": str(srv.port), "XLTRACK_SMTP_USER": USER,
                 "XLTRACK_SMTP_PASSWORD": PASSWORD, "XLTRACK_SMTP_CA_FILE": str(srv.cert),
                 "XLTRACK_MAIL_FROM": "bot@example.com", "XLTRACK_SMTP_BACKOFF": "0.001",
                 "XLTRACK_SMTP_RETRIES": "1", "XLTRACK_RECALC": "0"}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("XLTRACK_CHART", raising=False)
    yield srv
    srv.stop()
