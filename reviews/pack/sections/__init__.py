"""The pack's sections, each built from what the domain packages' queries and the review's evidence return."""
