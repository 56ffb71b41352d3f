"""What a clerk does at a counter, composed from the parts below it: the commit of a visit
(transaction row + operation + audit + papers queued) and the void of one. Above the store,
the operations and printing's job queue; below the desk, the UI and the CLI."""
