"""Push the digest to group robots: 企业微信, 钉钉, 飞书 (and Lark) and Slack incoming webhooks.

One small module per concern, data flowing one way:

- :mod:`.model` — the message as platform-neutral lines, built from the nightly
  :class:`~xltrack.nightly.digest.Digest` (so a robot message and the e-mail always agree);
- :mod:`.platforms` — one formatter per platform (its JSON body, its markup, its mentions) and
  :mod:`.fit` — the platform's size limit, met by dropping whole red-project lines;
- :mod:`.webhook` — the robot URL: which platform, its key, the key masked for logs;
- :mod:`.sign` — 钉钉 加签 and 飞书 签名校验; :mod:`.secret` — where the secret comes from;
- :mod:`.http` — POST with timeouts, retries with backoff, the platform's JSON error code;
- :mod:`.api` — ``xltrack.notify()`` and :func:`~.api.deliver`, used by the nightly job too.
"""
