"""CSV exports that are safe to open in a spreadsheet.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and
treats a leading tab or carriage return the same way in some versions: a guest who signs up as
`=HYPERLINK("http://…")` would put a working link (or worse) into the coordinators' sign-up
list. Every text cell of every export goes through `safe_cell`, which puts a `'` in front of
such a cell (OWASP's rule for CSV injection), so it is shown as the text it is.
"""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheet programs read the file as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"


def safe_cell(value) -> object:
    """The cell as a spreadsheet should show it: text that would start a formula gets a `'`;
    numbers and empty cells stay what they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(BOM + csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
