-- Every call of one trace (or session), in the order they ran: `llmcost trace ID`.
SELECT r.request_id, r.ts, r.trace_id, r.session_id, r.tenant_id, r.feature, r.provider, r.model,
       r.operation, r.input_tokens, r.cached_input_tokens, r.output_tokens, r.reasoning_tokens,
       {{cost}} AS cost, r.latency_ms, r.outcome
FROM requests AS r
WHERE {{unit}} = $id
ORDER BY r.ts, r.request_id;
