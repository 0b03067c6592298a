"""The annual standards-review pack: one typed ``ReviewPack`` per review (builder.py, model.py), rendered as a web
page, a PDF, a zip of CSV files and a spreadsheet (files.py), so no two ever disagree."""
