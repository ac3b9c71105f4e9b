"""Rules, history and KPIs: pure functions of the normalized tables, the pipeline and as_of."""
