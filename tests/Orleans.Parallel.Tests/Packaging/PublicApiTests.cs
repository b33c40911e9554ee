namespace Orleans.Parallel.Tests.Packaging;

/// <summary>The public API is written down: a public member added without declaring it fails the build.</summary>
public sealed class PublicApiTests
{
    private static readonly string[] Libraries = ["Values", "GrainInterfaces", "ClientLib", "Grains", "Hosting"];

    [Fact]
    public void EveryPackagedLibrary_DeclaresItsApi()
    {
        var root = PackageFeed.RepositoryRoot();
        foreach (var library in Libraries)
        {
            var shipped = File.ReadAllLines(Path.Combine(root, library, "PublicAPI.Shipped.txt"));
            Assert.Equal("#nullable enable", shipped[0]);
            Assert.True(File.Exists(Path.Combine(root, library, "PublicAPI.Unshipped.txt")), $"{library} has no PublicAPI.Unshipped.txt");
            Assert.True(shipped.Length > 3, $"{library}'s declared API is empty");
        }
        Assert.Contains("static Orleans.Parallel.ParallelClient.ConnectAsync(Orleans.Parallel.ParallelClientOptions? options = null, System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken)) -> System.Threading.Tasks.Task<Orleans.Parallel.ParallelClient!>!",
            File.ReadAllLines(Path.Combine(root, "ClientLib", "PublicAPI.Shipped.txt")));
    }

    [Fact]
    public async Task AnUndeclaredPublicMember_FailsTheBuild_NamingIt()
    {
        // A copy of the smallest library with what its build imports, and one public class more.
        var root = PackageFeed.RepositoryRoot();
        var copy = Directory.CreateTempSubdirectory("op-publicapi-").FullName;
        try
        {
            foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "packaging/Packaging.props", "packaging/README.md" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file))!);
                File.Copy(Path.Combine(root, file), Path.Combine(copy, file));
            }
            Directory.CreateDirectory(Path.Combine(copy, "Values"));
            foreach (var file in Directory.GetFiles(Path.Combine(root, "Values")))
                File.Copy(file, Path.Combine(copy, "Values", Path.GetFileName(file)));
            File.WriteAllText(Path.Combine(copy, "Values", "Added.cs"),
                "namespace Orleans.Parallel.Values;\n/// <summary>New.</summary>\npublic static class Added\n{\n    /// <summary>New.</summary>\n    public static int Answer() => 42;\n}\n");
            var (exit, output) = await PackageFeed.DotnetAsync(copy, ["build", Path.Combine("Values", "Orleans.Parallel.Values.csproj")], TimeSpan.FromMinutes(5));
            Assert.NotEqual(0, exit);
            Assert.Contains("RS0016", output);
            Assert.Contains("Orleans.Parallel.Values.Added.Answer", output);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
