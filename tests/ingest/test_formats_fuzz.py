"""Hypothesis: whatever shape a batch line has — wrong types anywhere in an OTLP batch, a CloudWatch
payload or a Datadog page, random bytes, random CSV — the decoders neither crash nor drop a line:
every output line is one JSON object, and every input line is accounted for."""

from __future__ import annotations

import base64
import gzip
import io
import json
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmcost.ingest import formats
from llmcost.ingest.formats.otlp import OtlpMapper
from llmcost.ingest.streams import ByteStream, StreamDamaged

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
any_value = st.one_of(
    values,
    st.fixed_dictionaries({"stringValue": values}),
    st.fixed_dictionaries({"intValue": values}),
    st.fixed_dictionaries({"kvlistValue": values}),
    st.fixed_dictionaries({"arrayValue": values}),
)
attr_keys = st.sampled_from(
    [
        "gen_ai.operation.name",
        "gen_ai.request.model",
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.output_tokens",
        "openinference.span.kind",
        "llm.model_name",
        "tenant.id",
        "error.type",
    ]
)
attributes = st.one_of(
    values,
    st.lists(st.one_of(values, st.fixed_dictionaries({"key": attr_keys, "value": any_value})), max_size=6),
)
span = st.one_of(
    values,
    st.fixed_dictionaries(
        {},
        optional={
            "traceId": values,
            "spanId": values,
            "name": values,
            "startTimeUnixNano": st.one_of(values, st.integers(0, 2**64).map(str)),
            "endTimeUnixNano": values,
            "attributes": attributes,
            "status": st.one_of(values, st.fixed_dictionaries({"code": values})),
        },
    ),
)
traces = st.fixed_dictionaries(
    {
        "resourceSpans": st.lists(
            st.one_of(
                values,
                st.fixed_dictionaries(
                    {},
                    optional={
                        "resource": st.one_of(values, st.fixed_dictionaries({"attributes": attributes})),
                        "scopeSpans": st.lists(
                            st.one_of(
                                values,
                                st.fixed_dictionaries({}, optional={"spans": st.lists(span, max_size=3)}),
                            ),
                            max_size=2,
                        ),
                    },
                ),
            ),
            max_size=2,
        )
    }
)
log_event = st.one_of(
    values,
    st.fixed_dictionaries(
        {},
        optional={
            "id": values,
            "timestamp": values,
            "message": st.one_of(values, st.text(max_size=30).map(lambda t: t + '{"model": 1}')),
        },
    ),
)
cloudwatch = st.one_of(
    st.fixed_dictionaries(
        {"awslogs": st.fixed_dictionaries({"data": st.one_of(values, st.text(max_size=20))})}
    ),
    st.fixed_dictionaries({"messageType": values, "logEvents": st.lists(log_event, max_size=3)}),
    st.lists(
        st.fixed_dictionaries({"logEvents": st.lists(log_event, max_size=3)}), min_size=1, max_size=2
    ).map(
        lambda docs: {
            "awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(docs[0]).encode())).decode()}
        }
    ),
)
datadog_log = st.fixed_dictionaries(
    {
        "id": values,
        "type": st.just("log"),
        "attributes": st.one_of(
            st.dictionaries(st.sampled_from(["message", "attributes", "timestamp"]), values)
        ),
    }
)
datadog = st.one_of(datadog_log, st.fixed_dictionaries({"data": st.lists(datadog_log, max_size=3)}))
lines = st.lists(
    st.one_of(
        traces.map(lambda d: json.dumps(d).encode()),
        cloudwatch.map(lambda d: json.dumps(d).encode()),
        datadog.map(lambda d: json.dumps(d).encode()),
        values.map(lambda d: json.dumps(d).encode()),
        st.binary(max_size=40).filter(lambda b: b"\n" not in b),
    ),
    min_size=1,
    max_size=6,
)


def _decode(data: bytes, source: str) -> list[bytes]:
    found = formats.detect(data[:65536], "x.jsonl", source, OtlpMapper(), take_partial=True)
    assert found.make is not None
    stream = found.make(ByteStream(io.BytesIO(data)))
    out = b""
    try:
        while chunk := stream.read(1 << 16):
            out += chunk
    except StreamDamaged:
        pass
    return out.split(b"\n")[:-1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines, st.sampled_from(["otlp", "cloudwatch", "datadog"]))
def test_batch_decoders_never_crash_and_account_for_every_line(batch: list[bytes], source: str) -> None:
    data = b"\n".join(batch) + b"\n"
    out = _decode(data, source)
    expanded_from: set[Any] = set()
    passed = 0
    for line in out:
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError:
            passed += 1  # an input line the decoder did not take passes through unchanged
            continue
        if isinstance(rec, dict) and "_line" in rec:
            expanded_from.add(rec["_line"])
        else:
            passed += 1
    # every input line came out: as itself, or as the records (or the one reject) it held
    assert passed + len(expanded_from) == len(batch)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.text(max_size=10).filter(lambda t: "\r" not in t), min_size=1, max_size=5),
        min_size=1,
        max_size=6,
    ),
)
def test_csv_rows_never_crash_and_each_row_is_one_line(rows: list[list[str]]) -> None:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["request_id", "model", "prompt_tokens"], *rows])
    data = buf.getvalue().encode()
    found = formats.detect(data[:65536], "x.csv", "auto", OtlpMapper(), take_partial=True)
    assert found.format == "csv" and found.make is not None
    stream = found.make(ByteStream(io.BytesIO(data)))
    out = b""
    while chunk := stream.read(1 << 16):
        out += chunk
    produced = out.split(b"\n")[:-1]
    assert len(produced) == 1 + len(rows)
    for line in produced:
        assert line == b"" or isinstance(orjson.loads(line), dict)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(lines, st.sampled_from(["auto", "otlp", "cloudwatch", "datadog"]))
def test_decoded_batches_load_with_every_record_in_one_bucket(
    tmp_path_factory: Any, batch: list[bytes], source: str
) -> None:
    from llmcost.config import Config
    from llmcost.ingest.discover import discover
    from llmcost.ingest.load import Loader
    from llmcost.warehouse import writer

    root = tmp_path_factory.mktemp("fuzz")
    path = root / "batch.jsonl"
    path.write_bytes(b"\n".join(batch) + b"\n")
    inputs, skipped = discover([str(path)])
    with writer(root / "w.duckdb") as wh:
        result = Loader(wh, Config(), source=source).run(inputs, skipped)
    assert result.totals.residual == 0
    if result.files[0].error is None:  # e.g. bytes that start like zstd: damage, reported as such
        assert result.totals.read >= len(batch) - sum(1 for b in batch if not b.strip())
