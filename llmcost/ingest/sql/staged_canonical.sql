-- Every staged row of one kind, canonical: where pricing finds the batch's price keys.
(
{{select}}
FROM staged
WHERE kind = $label
)
