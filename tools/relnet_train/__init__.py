"""Training of the Spiking RelNet on bAbI (issue 9): stages A-E and the exporter.

docs/relnet-training.md describes the recipe and the commands. Every stage is one module with
a main(): `/usr/bin/python3 -m tools.relnet_train.stage_a --out train/run1 ...`."""
