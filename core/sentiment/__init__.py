"""What residents' words say: sentiment scores and council themes, offline, scored once when a text is stored."""
