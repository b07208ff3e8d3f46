"""The answers: their shapes (shapes.py) and domain values rendered into them (render.py), shared by the API and
the events, which carry the order and the cancellation as the API answers them."""
