"""What every engine shares: neutral errors, scopes, ids, paging tokens, the dispatch port."""
