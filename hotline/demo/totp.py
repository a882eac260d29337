"""The demo's shared two-factor secret, in a module of its own so `demo-code` imports nothing else."""

DEMO_TOTP_SECRET = "DEMOHOTLINEQINGXICOUNTYSUPERVISE"
