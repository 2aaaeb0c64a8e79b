"""The optimize stage: build the multi-commodity LP as sparse matrices, solve it with HiGHS in
two stages (priority, then value), check the solution. :func:`corridor.pipeline.solve_model`
turns a solution into results."""

from corridor.optimize.build import LinearProgram, build_model
from corridor.optimize.check import check_solution
from corridor.optimize.solve import FlowModel, Solution

__all__ = ["FlowModel", "LinearProgram", "Solution", "build_model", "check_solution"]
