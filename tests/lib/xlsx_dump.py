#!/usr/bin/env python3
"""Prints an .xlsx workbook as JSON, for the report tests (tests/lib/reports.mjs).

usage: xlsx_dump.py FILE.xlsx

{"sheets": [{"name", "freeze_panes", "auto_filter", "col_widths": [{"min", "max", "width", "custom"}],
             "header_bold": [bool...], "rows": [[cell...]...], "formats_row2": [str|null...],
             "max_row", "max_column", "page_header", "page_footer"}]}

A cell is null (empty), a number, a string, a bool, {"date": "YYYY-MM-DD"} (a real date, no time of
day), {"datetime": "..."} (a date with a time), or {"formula": "=..."} (a formula, which a report
must never hold).
"""
import datetime
import json
import sys

import openpyxl
from openpyxl.utils import get_column_letter


def cell_value(c):
    v = c.value
    if v is None:
        return None
    if c.data_type == 'f':
        return {"formula": str(v)}
    if isinstance(v, datetime.datetime):
        if v.time() == datetime.time(0, 0):
            return {"date": v.date().isoformat()}
        return {"datetime": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"date": v.isoformat()}
    if isinstance(v, datetime.time):
        return {"time": v.isoformat()}
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v
    return str(v)


def dump(path):
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        max_row, max_col = ws.max_row, ws.max_column
        rows = []
        for r in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
            rows.append([cell_value(c) for c in r])
        # An empty sheet reports max_row 1 with one empty cell: keep it as it is.
        widths = []
        for key, d in sorted(ws.column_dimensions.items(), key=lambda kv: kv[1].min or 0):
            if d.width is None:
                continue
            widths.append({"letter": key, "min": d.min, "max": d.max, "width": d.width,
                           "custom": bool(d.customWidth)})
        header_bold = [bool(c.font and c.font.b) for c in ws[1]] if max_row >= 1 else []
        formats = [c.number_format for c in ws[2]] if max_row >= 2 else []
        sheets.append({
            "name": ws.title,
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref if ws.auto_filter is not None else None,
            "col_widths": widths,
            "header_bold": header_bold,
            "rows": rows,
            "formats_row2": formats,
            "max_row": max_row,
            "max_column": max_col,
            "last_column_letter": get_column_letter(max_col),
            "page_header": ws.oddHeader.center.text if ws.oddHeader and ws.oddHeader.center else None,
            "page_footer": ws.oddFooter.center.text if ws.oddFooter and ws.oddFooter.center else None,
        })
    return {"sheets": sheets}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: xlsx_dump.py FILE.xlsx\n")
        sys.exit(2)
    json.dump(dump(sys.argv[1]), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
