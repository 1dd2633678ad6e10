"""bol's cancellation norm: which cancellations count (``counting``), the week's standing and a
run's effect on it (``standing``). Pure values and rules; the client reads the standing, the
pipeline applies the rule, the edges put both into words (``output.normwords``)."""
