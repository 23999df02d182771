"""Users, their organisations and roles; the `rules` predicates that scope them to LAs."""
