"""Events out: one event per committed change (and per reminder), on the bus and in the seller's feed.

envelope.py  the envelope every channel carries, built from the committed values; the service hands it to the
             store, which writes it in the change's own transaction (chalicelib/store/outbox.py)
publisher.py the stream's records to EventBridge, failures resent, what stays failed to the dead-letter queue
feed.py      one page of a seller's feed, oldest first, only events older than the settle time
"""
