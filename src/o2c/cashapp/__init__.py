"""Cash application: match bank receipts to open items (engine), journal the decisions,
post them back to the ERP, and measure the result against ground truth."""
