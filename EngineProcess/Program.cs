// An isolated engine's process; see Orleans.Parallel.Grains.Isolation.Child.EngineProcessMain.
return Orleans.Parallel.Grains.Isolation.Child.EngineProcessMain.Run(args);
