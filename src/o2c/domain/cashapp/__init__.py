"""Cash application rules, pure: how references and names are normalised, which amounts agree,
how a receipt is split over open items, and which matches may post without a person."""
