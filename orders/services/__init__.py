"""Write services of the orders app, one module per subject."""
