"""Stock-outs: which open order items the units left still go to, and which are cancelled."""
