"""A faithful local Plaza API v2: the "real server" of the demo, the tests and the benchmarks."""

from bulkcancel.simulator.app import PlazaSimulator
from bulkcancel.simulator.scenario import Scenario, SimulatorConfig, load_scenario

__all__ = ["PlazaSimulator", "Scenario", "SimulatorConfig", "load_scenario"]
