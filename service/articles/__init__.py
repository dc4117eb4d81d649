"""Articles: submitting, processing, reading and searching them, and the contract they are read in."""
