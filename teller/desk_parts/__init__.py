"""The parts of teller.desk.Desk, by what they are: log-in and the supervisor's PIN (staff),
look-ups for a visit (catalogue), shifts and the settlement (shifts), voids (voids) and the
papers and reprints (papers). Each is a mixin of methods on the one Desk (its settings, engine,
clock and clerk): callers import and use `teller.desk.Desk` only."""
