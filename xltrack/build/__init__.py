"""Building the standard tracking workbook (``xltrack init``) and the demo (``xltrack demo``).

One module per part of the workbook: :mod:`.user_sheet` (Projects, Activities, Payments as Excel
tables), :mod:`.live_rules` (TODAY()-based conditional formats), :mod:`.config_writer` (the Config
sheet and the defined names the drop-downs use), :mod:`.guide_sheet`, :mod:`.owned_sheets`;
:mod:`.workbook` puts them in order. :mod:`.demo_data` generates realistic messy data and
:mod:`.api` holds the public functions. Only this package (a writer) imports XlsxWriter.
"""
