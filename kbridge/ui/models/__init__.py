"""Qt item models and delegates behind the record list and the search results."""
