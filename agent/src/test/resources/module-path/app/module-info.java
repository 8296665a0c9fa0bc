// An application module that uses weft's API, run on the module path under -javaagent:weft-agent.jar.
module app {
    requires dev.weft.scheduler;
}
