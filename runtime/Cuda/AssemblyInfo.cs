using System.Runtime.CompilerServices;

// The CUDA tests reach the dispatch rule with a simulated availability and the error-name tables.
[assembly: InternalsVisibleTo("DiffGen.Cuda.Tests")]
