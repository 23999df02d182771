"""The portal's pages: LA uploads and results, versions, the processors' tracker."""
