"""Working days and deadlines: the calendar, the deadline rules, the council's closure dates and their commands."""
