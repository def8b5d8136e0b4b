"""Rules: conditions decide *whether*, effects decide *how much*, limits cap them."""
