"""Documents: the Word and Excel files of the campaign, as plain functions over plain dataclasses.

No Django here: the web layer and the commands fill the dataclasses of :mod:`.data` from the
database and call these functions; each returns the file's bytes (or a result dict). See
docs/documents.md for layouts, fonts, the R2 counting rule and the upload rules.
"""

from __future__ import annotations

from greenlist.documents.data import Consultation, LetterData, SummaryRow, SummaryTable
from greenlist.documents.experience_report import (
    READING_RULES,
    REPORT_MAX_BYTES,
    check_report,
    experience_report_docx,
    read_experience_report,
)
from greenlist.documents.letter import recommendation_letter_docx
from greenlist.documents.summary_table import summary_table_docx, summary_table_xlsx
from greenlist.documents.uploads import UploadRefused, inspect_upload

__all__ = [
    "READING_RULES",
    "REPORT_MAX_BYTES",
    "Consultation",
    "LetterData",
    "SummaryRow",
    "SummaryTable",
    "UploadRefused",
    "check_report",
    "experience_report_docx",
    "inspect_upload",
    "read_experience_report",
    "recommendation_letter_docx",
    "summary_table_docx",
    "summary_table_xlsx",
]
