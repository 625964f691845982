"""Outbox claim cost against the backlog, fair delivery under Slack's channel limit, and CPU
per delivered message against the original code.

(a) Claim cost. Two databases per backend, each with `--rows` (1M) pending rows: in one, 100
    are due; in the other, 50k (the rest due weeks from now). Each repetition times one
    `outbox.claim_due` as the deliverer calls it (a page of 100 rows, at most 5 per
    conversation, a 60 s lease, skipping conversations another sweeper holds), checks it
    claimed a full page, and puts the rows back. The two alternate (A B, B A, ...). Target:
    median(50k due) / median(100 due) <= 1.5 on SQLite and PostgreSQL: the claim reads an
    index range, it does not sort the backlog. The candidate query's plan is printed.

(b) Fair delivery. One busy channel (60 messages) and 49 quiet ones (10 each), all due at
    once (the busy one's rows first), delivered by Baton's Sweeper with default settings
    against a stand-in that refuses a second post to a channel within a second. Target:
    every quiet channel done within 1.5x its own ideal time (10 posts at 1/s: 10 s), the
    channels' achieved rates summed >= 90% of 1 msg/s each, no message posted twice, no
    message missing; on SQLite with one sweeper, on PostgreSQL with two.

(c) CPU per delivered message: bench/delivery_cpu.py (2000 messages over 40 channels, the
    stand-in in another process and unthrottled) run on this code and on the original
    commit (`--baseline`, checked out with git archive), alternated. Target: <= 0.5x.

    .venv/bin/python -m bench.sweep [--part claim|fair|cpu|all] [--backends sqlite,postgresql]
    .venv/bin/python -m bench.sweep --quick     # 100k rows / 10k due, 20 + 19x5 messages
"""
