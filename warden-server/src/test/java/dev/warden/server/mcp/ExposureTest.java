package dev.warden.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExposureTest {

  private static McpSchema.Tool tool(String name) {
    return McpSchema.Tool.builder().name(name).inputSchema(Map.of("type", "object")).build();
  }

  private static McpSchema.Resource resource(String uri) {
    return McpSchema.Resource.builder().uri(uri).name(uri).build();
  }

  private static Catalog catalog(List<McpSchema.Tool> tools, List<McpSchema.Resource> resources) {
    return new Catalog(tools, resources, List.of(), List.of());
  }

  @Test
  void uniqueNamesStay_collidingNamesArePrefixedByTheirServer_resourcesGoToTheFirstServer() {
    Map<String, Catalog> servers = new LinkedHashMap<>();
    servers.put(
        "files", catalog(List.of(tool("read"), tool("echo")), List.of(resource("file:///a"))));
    servers.put(
        "search",
        catalog(
            List.of(tool("query"), tool("echo")),
            List.of(resource("file:///a"), resource("file:///b"))));

    Exposure e = Exposure.of(servers);

    assertThat(e.tools().keySet())
        .containsExactlyInAnyOrder("read", "query", "files__echo", "search__echo");
    assertThat(e.tools().get("search__echo").resource()).isEqualTo("search/echo");
    assertThat(e.tools().get("read").resource()).isEqualTo("files/read");
    assertThat(e.resources().get("file:///a").server()).isEqualTo("files");
    assertThat(e.resources().get("file:///b").server()).isEqualTo("search");
  }

  @Test
  void aNameOnlyOneServerOffers_keepsItsNameWhateverTheOthersHave() {
    Map<String, Catalog> servers = new LinkedHashMap<>();
    servers.put("a", catalog(List.of(tool("x")), List.of()));
    servers.put("b", catalog(List.of(), List.of()));
    assertThat(Exposure.of(servers).tools().keySet()).containsExactly("x");
  }
}
