"""Commands, file paths and setting names inside a Chinese sentence, marked as code for the page.

Messages such as the readiness checks' are plain text shared with the command line (`doctor`);
on a page the parts to type or copy are set in <code>, so they read as commands, not as words.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

# A command up to the Chinese punctuation that ends it; a repository path; an upper-case setting name.
CODE = re.compile(r"(?:python -m hotline|\.venv/bin/python|DEMO=1)[^，。；、（）：\n]*"
                  r"|(?:docs|scripts|migrations)/[\w./-]+"
                  r"|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")


def mark(text: str | None) -> Markup:
    """The text, escaped, with its code-like spans in <code> elements."""
    if not text:
        return Markup("")
    out, last = [], 0
    for match in CODE.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup("<code>") + escape(match.group().rstrip()) + Markup("</code>"))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
