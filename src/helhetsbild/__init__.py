"""Helhetsbild: follow-up of a municipality's reception and integration of newcomers."""
