"""The HTML report: one self-contained file with the four day-one dashboards (spend by feature per
day, top tenants over 24h and 7d, tokens per successful action, cost by model), the headline
figures, alerts and budgets, input vs output, retrieval vs generation, failed-call cost and the
data-quality facts.

    from llmcost.report.dashboard import collect
    from llmcost.report.html import render_html
    text = render_html(collect(con, scope, settings=settings, catalog=catalog))

The data comes from `llmcost.report.dashboard` (which runs the queries), its shape for the page
from `llmcost.report.dashview`; this module only puts them into the page. What the file promises:
- Offline and private: the charting library (Chart.js, vendored under templates/vendor/ with its
  licence) and every style and script are inlined; a Content-Security-Policy allows only those
  scripts and that style, by hash, and no connection, font, frame or image from anywhere.
- Small whatever the warehouse: only aggregates are embedded (days x top features, top tenants,
  models, ...), so the size depends on the window's days and the top-N, never on the requests.
- Values from logs are text: jinja2 autoescapes every cell, invisible and bidi characters are
  shown as escapes (as in the terminal), charts draw labels on a canvas, and the embedded JSON
  escapes `<`, `>`, `&`, U+2028 and U+2029, so no tenant name can close its `<script>` element.
- The numbers are the JSON report's: each section embeds `jsonfmt.document()` of the report it
  draws (time series trimmed to the columns drawn), and every chart value is that exact string.

jinja2 is imported only when a page is rendered.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

import orjson

from llmcost.report.dashview import page_context, payload

if TYPE_CHECKING:
    import jinja2

    from llmcost.report.dashboard import Dashboard


# `<`, `>` and `&` (markup), U+2028/9 (line ends to JavaScript), and the invisible and bidi
# characters (so even the page source shows no hidden text): as JSON \u escapes, which parse back
# to exactly the same strings.
_JSON_UNSAFE = re.compile(
    "[<>&\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def script_json(value: Any) -> str:
    """JSON safe inside a `<script type="application/json">` element: nothing in it can end the
    element (`</script>`), open an HTML comment (`<!--`) or end a JavaScript line (U+2028/9)."""
    text = orjson.dumps(value, default=str).decode("utf-8")
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _asset(name: str) -> str:
    return (resources.files("llmcost.report") / "templates" / name).read_text("utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    """Nothing may load or connect; only these exact inline scripts and styles run."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + (" ".join(_csp_hash(s) for s in scripts) or "'none'"),
            "style-src " + " ".join(_csp_hash(s) for s in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def environment() -> jinja2.Environment:
    """The templates under llmcost/report/templates, every value autoescaped."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("llmcost.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def stylesheet() -> str:
    """The report's one stylesheet (inlined by every page, allowed by its hash)."""
    return _asset("report.css")


def render_html(d: Dashboard) -> str:
    from markupsafe import Markup

    env = environment()
    scripts = [_asset("vendor/chart.umd.min.js"), _asset("report.js")]
    styles = [stylesheet()]
    context = {
        "csp": content_security_policy(scripts, styles),
        "styles": [Markup(s) for s in styles],
        "scripts": [Markup(s) for s in scripts],
        "data": Markup(script_json(payload(d))),
        **page_context(d),
    }
    return env.get_template("report.html.j2").render(**context)
