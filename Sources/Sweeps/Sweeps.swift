// Coordinator and worker: see Coordinator.swift and Worker.swift.
