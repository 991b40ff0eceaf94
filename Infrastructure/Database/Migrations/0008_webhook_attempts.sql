-- SSRF refusals used to name the addresses a host resolved to ("refused: vm resolves to 127.0.0.1, 192.0.2.2,
-- which is not a public address"), and the delivery log shows them to every admin of the account for the whole
-- retention period. The log keeps the refusal and drops the addresses, as refusals are worded from now on.
UPDATE webhook_notifications
SET error = regexp_replace(error, ' resolves to .*, which is not a public address$', ' resolves only to non-public addresses')
WHERE error LIKE 'refused: % resolves to %, which is not a public address';
