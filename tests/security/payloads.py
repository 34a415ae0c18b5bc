"""Hostile payloads an attacker puts wherever a record carries text: bodies, titles, tags, owners'
names, link targets, front-matter keys and values. Keep the list growing: every new trick found
goes here, and every test of tests/security runs it everywhere.

Each payload has a stable name (the test id) and the text. The list holds the body payloads of
tests/fixtures/hostile_markdown.py too, so nothing tried once is dropped."""

from __future__ import annotations

from dataclasses import dataclass

from tests.fixtures.hostile_markdown import PAYLOADS as MARKDOWN_BODY_PAYLOADS


@dataclass(frozen=True)
class Payload:
    name: str
    text: str


# Markup that runs, loads or navigates (HTML, SVG, MathML, mutation XSS, Qt rich text).
_MARKUP = {
    "qt-img-dev-zero": '<img src="/dev/zero">',
    "qt-img-fifo": '<img src="/tmp/kbridge-fifo-payload">',
    "qt-img-file-url": '<img src="file:///etc/passwd">',
    "qt-img-qrc": '<img src=":/qt-project.org/styles/commonstyle/images/standardbutton-ok-32.png">',
    "qt-font-huge": '<font size="1000000">big</font>',
    "qt-table-huge": '<table width="1000000000"><tr><td>wide</td></tr></table>',
    "qt-span-style": '<span style="font-size:100000px">huge</span>',
    "qt-tag": "<qt><b>bold</b></qt>",
    "doctype": "<!DOCTYPE html><html><body onload=alert(1)>",
    "anchor-in-title": '<a href="kbridge:record/other">fake link</a>',
    "anchor-file": '<a href="file:///etc/shadow">shadow</a>',
    "mxss-noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "mxss-svg-style": "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "mxss-math": "<math><mi><style><img src=x onerror=alert(1)></style></mi></math>",
    "comment-break": "<!--><img src=x onerror=alert(1)>-->",
    "entity-zero-pad": '<a href="&#0000106avascript:alert(1)">zero padded</a>',
    "xmp": "<xmp><img src=x onerror=alert(1)></xmp>",
    "textarea": "<textarea><img src=x onerror=alert(1)></textarea>",
    "template": "<template><script>alert(1)</script></template>",
    "input-autofocus": "<input autofocus onfocus=alert(1)>",
    "button-formaction": '<button formaction="javascript:alert(1)">go</button>',
    "isindex": '<isindex action="javascript:alert(1)" type=image>',
    "link-import": '<link rel="import" href="https://evil.example/x.html">',
    "meta-refresh-short": "<meta http-equiv=refresh content=0;url=https://evil.example>",
    "meta-csp": "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src *\">",
    "script-relative": '<script src="../../tools/helper.js"></script>',
    "script-self-asset": '<script src="../assets/site.js"></script>',
    "object-data": '<object data="../../secret.html"></object>',
    "iframe-relative": '<iframe src="../index.html"></iframe>',
    "style-import": "<style>@import 'https://evil.example/x.css';</style>",
    "attr-breakout-double": '" onmouseover="alert(1)" x="',
    "attr-breakout-single": "' onmouseover='alert(1)' x='",
    "attr-breakout-backtick": "` onmouseover=`alert(1)` x=`",
    "tag-close-textarea": "</textarea><script>alert(1)</script>",
    "tag-close-title": "</title><script>alert(1)</script>",
    "tag-close-script": "</script><script>alert(1)</script>",
    "tag-close-style": "</style><script>alert(1)</script>",
    "unclosed-tag": "<img src=x onerror=alert(1)",
    "nested-quotes": "<img src=\"x\"\"onerror=\"alert(1)\">",
    "svg-use": '<svg><use href="data:image/svg+xml,<svg id=x><script>alert(1)</script></svg>#x"/></svg>',
    "svg-animate": '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
    "svg-a-xlink": '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    "marquee": "<marquee onstart=alert(1)>x</marquee>",
    "body-onpageshow": "<body onpageshow=alert(1)>",
    "form-action": '<form action="javascript:alert(1)"><input type=submit></form>',
    "base-javascript": '<base href="javascript:alert(1)//">',
}

# Links and images written in Markdown.
_MARKDOWN = {
    "md-link-js-encoded": "[x](javascript&#58;alert(1))",
    "md-link-js-percent": "[x](javascript%3Aalert(1))",
    "md-link-js-newline": "[x](java\nscript:alert(1))",
    "md-link-title-breakout": '[x](https://example.com "a\\" onmouseover=\\"alert(1))',
    "md-image-fifo": "![fifo](/tmp/kbridge-fifo-payload)",
    "md-image-dev": "![dev](/dev/zero)",
    "md-image-traversal": "![up](../../../../etc/passwd)",
    "md-reference-js": "[x][r]\n\n[r]: javascript:alert(1)",
    "md-autolink-js": "<javascript:alert(1)>",
    "md-autolink-file": "<file:///etc/passwd>",
    "md-html-block": "<div>\n<script>alert(1)</script>\n</div>",
    "md-nested-brackets": "[" * 200 + "x" + "](javascript:alert(1))" * 200,
    "md-deep-list": "".join("    " * i + "- x\n" for i in range(60)),
    "md-deep-quote": ">" * 300 + " deep",
    "md-brackets-8000": "[" * 8000,
    "md-emphasis-run": "*a" * 5000,
    "md-code-lang-js": "```javascript\nalert(1)\n```",
    "md-code-lang-html": '```html" onmouseover="alert(1)\n<b>x</b>\n```',
    "md-heading-id": '# <img src=x onerror=alert(1)>\n\n[jump](#img-srcx-onerroralert1)',
    "md-table-cell": "| a |\n|---|\n| <script>alert(1)</script> |",
}

# Terminal control: escape sequences, C1 controls, bidirectional overrides, invisible text.
_TERMINAL = {
    "ansi-clear-screen": "\x1b[2J\x1b[Hcleared",
    "ansi-cursor-up": "line\x1b[1A\x1b[2Koverwritten",
    "ansi-conceal": "visible \x1b[8mhidden\x1b[0m",
    "ansi-colour": "\x1b[31;1mred\x1b[0m",
    "osc-window-title": "\x1b]0;pwned\x07title",
    "osc52-clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07clipboard",
    "osc8-hyperlink": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "dcs-sequence": "\x1bP+q544e\x1b\\dcs",
    "c1-csi": "\x9b2Jc1 csi",
    "c1-osc": "\x9d0;title\x9c",
    "bell": "ding\x07\x07",
    "carriage-return": "innocent\rMALICIOUS",
    "backspace": "rm -rf /\x08\x08\x08\x08\x08\x08\x08\x08ls",
    "null-byte": "before\x00after",
    "form-feed-vt": "a\x0cb\x0bc",
    "delete-char": "a\x7fb",
    "bidi-rlo": "invoice\u202egpj.exe",
    "bidi-lro": "\u202dabc\u202c",
    "bidi-isolates": "\u2066admin\u2069 \u2067x\u2069 \u2068y\u2069",
    "bidi-marks": "\u200e\u200f\u061c",
    "zero-width": "ad\u200bmin\u200c\u200d\ufeff",
    "line-separator": "one\u2028two\u2029three",
    "newline-forgery": "ok\nkbridge: all records deleted",
}

# Paths, templates, injection into other languages, odd values.
_DATA = {
    "path-traversal": "../../../../etc/passwd",
    "path-traversal-windows": "..\\..\\..\\windows\\win.ini",
    "path-absolute": "/etc/shadow",
    "path-home": "~/.ssh/id_rsa",
    "path-file-url": "file:///etc/passwd",
    "path-dev-zero": "/dev/zero",
    "path-nul": "evil\x00.md",
    "template-jinja": "{{7*7}} {% for x in () %}",
    "template-dollar": "${7*7} #{7*7}",
    "format-string": "{0.__class__} %s %n %(x)s",
    "sql": "'; DROP TABLE records; --",
    "csv-formula": "=cmd|' /C calc'!A0",
    "json-break": '"}, {"evil": true, "x": "',
    "yaml-python": "!!python/object/apply:os.system ['id']",
    "yaml-anchor": "&a [*a, *a]",
    "long-line": "A" * 20_000,
    "unicode-lookalike": "ΑDR-0001 раypal",
    "emoji-combining": "👩‍👩‍👧‍👦" * 50 + "Z̴̡̢̛̗̘̙̜̝̞̟̠" * 20,
    "lone-surrogate-escape": "\\ud800",
    "html-entities": "&lt;script&gt; &amp;lt; &#x3C;img&#x3E;",
}


def _build() -> list[Payload]:
    found: dict[str, Payload] = {}
    for index, text in enumerate(MARKDOWN_BODY_PAYLOADS):
        found[f"body-{index:02d}"] = Payload(f"body-{index:02d}", text)
    for group in (_MARKUP, _MARKDOWN, _TERMINAL, _DATA):
        for name, text in group.items():
            assert name not in found, name
            found[name] = Payload(name, text)
    texts = [payload.text for payload in found.values()]
    assert len(set(texts)) == len(texts), "a payload is listed twice"
    return list(found.values())


PAYLOADS: list[Payload] = _build()
BY_NAME = {payload.name: payload for payload in PAYLOADS}
# Payloads that are one line (a title, a tag or a key keeps no line break).
ONE_LINE = [payload for payload in PAYLOADS if "\n" not in payload.text]
TERMINAL = [BY_NAME[name] for name in _TERMINAL]
