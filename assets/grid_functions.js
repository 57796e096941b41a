/* Functions the AG Grids call by name (dash-ag-grid reads window.dashAgGridFunctions). */
(function () {
  var functions = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

  /* A hubs measure as the report prints it: "–" when missing (an unreachable RTT, data
     centres the data does not map), whole numbers with separators, others to one decimal. */
  functions.landfallHubNumber = function (value) {
    if (value === null || value === undefined || Number.isNaN(value)) return "\u2013";
    if (Number.isInteger(value)) return value.toLocaleString("en-GB");
    return value.toLocaleString("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  };

  /* After a sort: rows missing the sorted value (an unreachable RTT, data centres the data
     does not map) go last, whichever way the column is sorted: an unreachable hub is not the
     fastest, a hub without data is not the best. */
  functions.landfallMissingLast = function (params) {
    var sorted = params.api.getColumnState().filter(function (c) {
      return c.sort;
    });
    if (!sorted.length) return;
    var column = sorted[0].colId;
    var present = [];
    var missing = [];
    params.nodes.forEach(function (node) {
      var value = node.data ? node.data[column] : null;
      (value === null || value === undefined ? missing : present).push(node);
    });
    if (!missing.length) return;
    params.nodes.length = 0;
    present.concat(missing).forEach(function (node) {
      params.nodes.push(node);
    });
  };
})();
