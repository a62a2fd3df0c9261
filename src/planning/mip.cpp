#include "planning/mip.hpp"

#include <coin/CoinPackedMatrix.hpp>
#include <coin/OsiClpSolverInterface.hpp>

namespace maillage::planning {

std::unique_ptr<CbcModel> cbc_model(const RowMip& mip, int integers, double seconds) {
  std::vector<int> lengths(mip.starts.size() - 1);
  for (size_t i = 0; i + 1 < mip.starts.size(); ++i) lengths[i] = mip.starts[i + 1] - mip.starts[i];
  CoinPackedMatrix m(false, mip.ncols, static_cast<int>(lengths.size()), static_cast<CoinBigIndex>(mip.index.size()),
                     mip.values.data(), mip.index.data(), mip.starts.data(), lengths.data());
  OsiClpSolverInterface solver;
  solver.messageHandler()->setLogLevel(0);
  solver.loadProblem(m, mip.collb.data(), mip.colub.data(), mip.obj.data(), mip.rowlb.data(), mip.rowub.data());
  for (int j = 0; j < integers; ++j) solver.setInteger(j);
  solver.getModelPtr()->setMaximumSeconds(seconds);  // the root LP is Clp's: it gets the same limit
  auto model = std::make_unique<CbcModel>(solver);   // CBC keeps its own copy of the solver
  model->setLogLevel(0);
  model->messageHandler()->setLogLevel(0);
  model->setMaximumSeconds(seconds);
  return model;
}

}  // namespace maillage::planning
