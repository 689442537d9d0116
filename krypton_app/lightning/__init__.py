"""Lightning nodes behind one interface (base.LightningProvider): LND over its REST API, and a fake
node that speaks the same protocol for local runs and tests."""
