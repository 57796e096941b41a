"""The charts' table views: one Markdown component each, whose text shows the data as written."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from components.tables import frame_table, markdown_text

HOSTILE = [
    "<img src=x onerror=alert(1)>Orange",
    "A | B",
    "**bold** _it_ `code` [link](javascript:alert(1))",
    "http://evil.example www.evil.example mail@evil.example",
    "AT&amp;T &lt;b&gt;",
    "# heading\n- item",
    "\\ backslash ~strike~",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_is_the_text_itself_with_no_markdown_or_html_in_it(text: str) -> None:
    written = markdown_text(text)
    # Only letters, digits, spaces and character references: nothing a parser can read as
    # markup, a link, a cell break or a new block.
    assert re.fullmatch(r"(?:[^\x00-\x7f]|[A-Za-z0-9 ]|&#\d+;)*", written)
    assert html.unescape(written) == " ".join(text.split())


def test_frame_table_is_one_component_with_a_row_per_record() -> None:
    frame = pd.DataFrame({"owner": ["Orange | S.A.", "x_y"], "cables": [3, 1234], "km": [1.6, 2e4]})
    table = frame_table(frame, [("owner", "Owner"), ("cables", "Cables"), ("km", "km")], "By owner")
    lines = table.children.split("\n")
    assert lines[0] == "By owner" and lines[1] == ""
    assert lines[2] == "| Owner | Cables | km |"
    assert lines[3] == "| --- | ---: | ---: |"
    cells = [[html.unescape(c.strip()) for c in line.strip("|").split("|")] for line in lines[4:]]
    assert cells == [["Orange | S.A.", "3", "1.6"], ["x_y", "1,234", "20,000"]]
