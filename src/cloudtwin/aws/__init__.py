"""AWS faces: one package per service, each a table of short operation functions."""
