-- Reports read in UTC whatever the machine's zone: buckets name their zone explicitly.
SET TimeZone = 'UTC';
