"""hegui (合规): assess data processing against China's data laws."""

import os

__version__ = "0.1.0"

# openpyxl decides once, at its import, whether to parse with lxml (present since python-docx needs it) or
# with defusedxml; only the latter refuses DOCTYPEs and entities in an untrusted workbook (engine/xlsxsafe.py),
# and the two read line breaks differently. hegui always takes defusedxml, whatever the environment says.
os.environ["OPENPYXL_LXML"] = "False"
os.environ["OPENPYXL_DEFUSEDXML"] = "True"
