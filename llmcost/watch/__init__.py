"""`llmcost watch`: the exactly-once ingest in a loop, with the minute-scale alert rules after
every pass and each alert notified once.

    watcher = Watcher(db_path, cfg, inputs=..., notify=...)
    result = watcher.run_pass()      # one pass: load, check the span it loaded, notify

A pass holds the warehouse's writer only while it loads and records (readers are refused while
it does, as they are during `llmcost ingest`) and lets go between passes. The webhook itself is
the caller's (`notify`): this package renders nothing and posts nothing, so it sits below report.
"""

from llmcost.watch.loop import Notify, PassResult, Watcher
from llmcost.watch.rules import SPAN_RULES, Check, SpanRule

__all__ = ["SPAN_RULES", "Check", "Notify", "PassResult", "SpanRule", "Watcher"]
