#pragma once
// A mixed-integer program written row by row, handed to COIN-OR CBC (internal to src/planning): the exact maximal
// covering and the exact tours share it.
#include <coin/CbcModel.hpp>

#include <memory>
#include <vector>

namespace maillage::planning {

struct RowMip {
  explicit RowMip(int ncols) : collb(ncols, 0), colub(ncols, 1), obj(ncols, 0), ncols(ncols) {}
  std::vector<double> collb, colub, obj;  // CBC minimises: a gain is a negative cost
  std::vector<double> rowlb, rowub, values;
  std::vector<int> starts{0}, index;
  int ncols;
  void add(int col, double coef) { index.push_back(col), values.push_back(coef); }
  void end_row(double lo, double hi) {
    starts.push_back(static_cast<int>(index.size()));
    rowlb.push_back(lo), rowub.push_back(hi);
  }
};

// CBC's model of the program, quiet, the first `integers` columns integer, the root LP and the search limited to
// `seconds`: ready for setBestSolution and branchAndBound.
std::unique_ptr<CbcModel> cbc_model(const RowMip& mip, int integers, double seconds);

}  // namespace maillage::planning
