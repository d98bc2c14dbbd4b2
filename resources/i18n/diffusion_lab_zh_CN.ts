<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>BoundJob</name>
    <message>
        <source>no model yet: train one or open a checkpoint first</source>
        <translation>还没有模型：请先训练一个，或打开检查点</translation>
    </message>
    <message>
        <source>computing the variational bound on {n} items …</source>
        <translation>正在对 {n} 个样本计算变分下界 …</translation>
    </message>
    <message>
        <source>bound cancelled after {done} of {total} timesteps</source>
        <translation>变分下界计算已取消（已完成 {done}/{total} 个时间步）</translation>
    </message>
</context>
<context>
    <name>BoundView</name>
    <message>
        <source>Compute bound</source>
        <translation>计算下界</translation>
    </message>
    <message>
        <source>Evaluate every term of the bound for the current (EMA) model on training items: one network pass per timestep</source>
        <translation>在训练样本上对当前（EMA）模型计算下界的每一项：每个时间步一次网络前向</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>items </source>
        <translation>样本数 </translation>
    </message>
    <message>
        <source>Training items the bound is averaged over</source>
        <translation>用于平均下界的训练样本数</translation>
    </message>
    <message>
        <source>all timesteps</source>
        <translation>全部时间步</translation>
    </message>
    <message>
        <source>KL terms </source>
        <translation>KL 项数 </translation>
    </message>
    <message>
        <source>Evaluate only this many evenly spaced KL terms (a cheaper estimate); all timesteps gives the bound itself</source>
        <translation>只计算这么多个均匀间隔的 KL 项（更省时的估计）；选择全部时间步则得到下界本身</translation>
    </message>
    <message>
        <source>Train a model or open a checkpoint, then Compute bound.</source>
        <translation>先训练一个模型或打开一个检查点，然后点击“计算下界”。</translation>
    </message>
    <message>
        <source>Variational bound per timestep (Ho et al. 2020, Eq. 5)</source>
        <translation>各时间步的变分下界（Ho et al. 2020, Eq. 5）</translation>
    </message>
    <message>
        <source>bits / dim</source>
        <translation>比特/维</translation>
    </message>
    <message>
        <source>timestep t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>L_0 (t = 1), L_t−1 (t ≥ 2)</source>
        <translation>L_0（t = 1），L_t−1（t ≥ 2）</translation>
    </message>
    <message>
        <source>L_T (prior)</source>
        <translation>L_T（先验）</translation>
    </message>
    <message>
        <source>Computing the bound…</source>
        <translation>正在计算下界…</translation>
    </message>
    <message>
        <source>Bound cancelled.</source>
        <translation>下界计算已取消。</translation>
    </message>
    <message>
        <source>The bound failed: {message}</source>
        <translation>下界计算失败：{message}</translation>
    </message>
    <message>
        <source> (estimated from evenly spaced KL terms)</source>
        <translation>（由均匀间隔的 KL 项估计）</translation>
    </message>
    <message>
        <source>8-bit discretized decoder</source>
        <translation>8 位离散化解码器</translation>
    </message>
    <message>
        <source>Gaussian decoder: a density, may be negative, not comparable with images</source>
        <translation>高斯解码器：为密度值，可能为负，不能与图像比较</translation>
    </message>
    <message>
        <source>Total {total:.4f} ± {err:.4f} bits/dim{note} · L_T {prior:.3g} · L_0 {l0:.3g} · {decoder} · model at step {step:,}</source>
        <translation>总计 {total:.4f} ± {err:.4f} 比特/维{note} · L_T {prior:.3g} · L_0 {l0:.3g} · {decoder} · 模型位于第 {step:,} 步</translation>
    </message>
</context>
<context>
    <name>BranchBox</name>
    <message>
        <source>Branches</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>Steps of the branch&apos;s timestep grid; it visits those below the branch point</source>
        <translation>分支时间步网格的步数；分支只经过分支点以下的时间步</translation>
    </message>
    <message>
        <source>DDIM stochasticity η: 0 = deterministic; only DDIM uses it</source>
        <translation>DDIM 随机性 η：0 = 确定性；仅 DDIM 使用</translation>
    </message>
    <message>
        <source>Classifier-free guidance scale of the branch; 1 = plain conditional sampling</source>
        <translation>分支的无分类器引导强度；1 = 普通条件采样</translation>
    </message>
    <message>
        <source>Seed of the branch&apos;s noise (DDPM, DDIM with η &gt; 0): a new seed, a new future from the same frame</source>
        <translation>分支噪声的随机种子（DDPM，或 η &gt; 0 的 DDIM）：换一个种子，就从同一帧得到另一种未来</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>新的随机种子</translation>
    </message>
    <message>
        <source>Branch from here</source>
        <translation>从此处分支</translation>
    </message>
    <message>
        <source>Re-sample from the frame on the timeline with these settings; the frames before it stay the parent&apos;s</source>
        <translation>用这些设置从时间轴上的当前帧重新采样；此前的帧仍沿用父轨迹</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>η</source>
        <translation>η</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>引导</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
</context>
<context>
    <name>BranchJob</name>
    <message>
        <source>this trajectory&apos;s samples have shape {shape}, the current model makes {model_shape}: sample the current model again to branch it</source>
        <translation>此轨迹的样本形状为 {shape}，而当前模型生成的是 {model_shape}：请先用当前模型重新采样，再进行分支</translation>
    </message>
    <message>
        <source>this trajectory visits timestep {t} but the current model has T = {T}: sample the current model again to branch it</source>
        <translation>此轨迹经过时间步 {t}，但当前模型的 T = {T}：请先用当前模型重新采样，再进行分支</translation>
    </message>
    <message>
        <source>steps must be ≤ the model&apos;s T = {T}, got {steps}</source>
        <translation>步数必须 ≤ 模型的 T = {T}，当前为 {steps}</translation>
    </message>
    <message>
        <source>no model yet: train one (Training tab) or open a checkpoint first</source>
        <translation>还没有模型：请先训练一个（训练页）或打开检查点</translation>
    </message>
    <message>
        <source>branching from step {step}: {sampler} {steps} steps, seed {seed} …</source>
        <translation>正在从第 {step} 步分支：{sampler} {steps} 步，随机种子 {seed} …</translation>
    </message>
    <message>
        <source>branch cancelled at step {step}</source>
        <translation>分支已在第 {step} 步取消</translation>
    </message>
    <message>
        <source>branched from step {step} in {seconds:.1f} s ({frames} new frames, NFE {nfe})</source>
        <translation>已从第 {step} 步分支，用时 {seconds:.1f} 秒（新增 {frames} 帧，NFE {nfe}）</translation>
    </message>
</context>
<context>
    <name>BranchTree</name>
    <message>
        <source>The recorded run and its branches: select one to show, scrub and export it</source>
        <translation>已记录的运行及其分支：选中一项即可显示、拖动浏览并导出</translation>
    </message>
    <message>
        <source>{sampler}-{steps} · seed {seed}</source>
        <translation>{sampler}-{steps} · 随机种子 {seed}</translation>
    </message>
    <message>
        <source>Run: {what}</source>
        <translation>运行：{what}</translation>
    </message>
    <message>
        <source>at t = {t}: {what}</source>
        <translation>于 t = {t}：{what}</translation>
    </message>
    <message>
        <source>{sampler}, {steps} steps, seed {seed}</source>
        <translation>{sampler}，{steps} 步，随机种子 {seed}</translation>
    </message>
    <message>
        <source>η = {eta:g}</source>
        <translation>η = {eta:g}</translation>
    </message>
    <message>
        <source>guidance scale {scale:g}</source>
        <translation>引导强度 {scale:g}</translation>
    </message>
    <message>
        <source>branched from step {step} (t = {t}); earlier frames are its parent&apos;s</source>
        <translation>从第 {step} 步（t = {t}）分支；更早的帧来自父轨迹</translation>
    </message>
</context>
<context>
    <name>BranchingMixin</name>
    <message>
        <source>Steps must be ≤ the model&apos;s T = {T}.</source>
        <translation>步数必须 ≤ 模型的 T = {T}。</translation>
    </message>
    <message>
        <source>Branching from step {step} with {sampler}-{steps}, seed {seed}…</source>
        <translation>正在从第 {step} 步以 {sampler}-{steps}、随机种子 {seed} 分支…</translation>
    </message>
    <message>
        <source>Branched at t = {t} ({nfe}). Scrub back to the branch point, or select another node in Branches to see it at the same t.</source>
        <translation>已在 t = {t} 处分支（{nfe}）。可拖回分支点，或在“分支”中选择其他节点，查看同一 t 下的状态。</translation>
    </message>
    <message>
        <source>From {frame}</source>
        <translation>起点：{frame}</translation>
    </message>
    <message>
        <source>The final frame is the finished sample: scrub back to branch from an earlier one.</source>
        <translation>最后一帧是生成完成的样本：请拖回更早的帧再分支。</translation>
    </message>
    <message>
        <source>Step {step} kept no exact state (long run): scrub to another step.</source>
        <translation>第 {step} 步没有保留精确状态（运行较长）：请拖到其他步。</translation>
    </message>
</context>
<context>
    <name>CompareBranchingMixin</name>
    <message>
        <source>Scrub the timeline back from the finished samples to the t to branch at.</source>
        <translation>请把时间轴从最终样本拖回到要分支的 t。</translation>
    </message>
    <message>
        <source>branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>Branching {name} at t = {t} with seed {seed}…</source>
        <translation>正在于 t = {t} 处以随机种子 {seed} 分支 {name}…</translation>
    </message>
    <message>
        <source>Branch cancelled.</source>
        <translation>分支已取消。</translation>
    </message>
    <message>
        <source>Branch failed (see the message in the status bar).</source>
        <translation>分支失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>Branched {name}: the frames before t = {t} are its parent&apos;s.</source>
        <translation>已分支 {name}：t = {t} 之前的帧来自父运行。</translation>
    </message>
</context>
<context>
    <name>CompareColumnView</name>
    <message>
        <source>Sampler steps; Heun evaluates the model twice per step but the last</source>
        <translation>采样器步数；Heun 每步评估模型两次（最后一步除外）</translation>
    </message>
    <message>
        <source>DDIM stochasticity η (only DDIM uses it)</source>
        <translation>DDIM 随机性 η（仅 DDIM 使用）</translation>
    </message>
    <message>
        <source>Seed of this column&apos;s x_T (and of its sampler&apos;s noise)</source>
        <translation>此列 x_T（及其采样器噪声）的随机种子</translation>
    </message>
    <message>
        <source>Remove this column</source>
        <translation>移除此列</translation>
    </message>
    <message>
        <source>The branch&apos;s sampler (from the branch point on)</source>
        <translation>分支所用的采样器（从分支点开始）</translation>
    </message>
    <message>
        <source>Steps of the branch&apos;s timestep grid; it visits those below the branch point</source>
        <translation>分支时间步网格的步数；分支只经过分支点以下的时间步</translation>
    </message>
    <message>
        <source>Seed of a branch&apos;s noise: a new seed, a new future from the same frame</source>
        <translation>分支噪声的随机种子：换一个种子，就从同一帧得到另一种未来</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>新的随机种子</translation>
    </message>
    <message>
        <source>Branch from here</source>
        <translation>从此处分支</translation>
    </message>
    <message>
        <source>Re-sample this run from its frame at the timeline&apos;s t with the seed beside it, into a new column; the frames before stay this run&apos;s</source>
        <translation>用旁边的随机种子，从此运行在时间轴 t 处的帧重新采样，结果放入新的一列；此前的帧仍沿用此运行</translation>
    </message>
    <message>
        <source>press Compare</source>
        <translation>请按“对比”</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>η</source>
        <translation>η</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>New seed</source>
        <translation>新种子</translation>
    </message>
    <message>
        <source>t = {t} · step {step}/{total}</source>
        <translation>t = {t} · 第 {step}/{total} 步</translation>
    </message>
    <message>
        <source>t = {t}</source>
        <translation>t = {t}</translation>
    </message>
    <message>
        <source>{sampler} · {steps} steps</source>
        <translation>{sampler} · {steps} 步</translation>
    </message>
    <message>
        <source>{head} · t = {t} · x_T, waiting for its turn</source>
        <translation>{head} · t = {t} · x_T，等待轮到它</translation>
    </message>
    <message>
        <source>{head} · t = 0 · done, waiting for the other runs</source>
        <translation>{head} · t = 0 · 已完成，等待其他运行</translation>
    </message>
    <message>
        <source>{head} · t = {t} · running…</source>
        <translation>{head} · t = {t} · 运行中…</translation>
    </message>
    <message>
        <source>{name} · t = {t} · {nfe}</source>
        <translation>{name} · t = {t} · {nfe}</translation>
    </message>
    <message>
        <source>{sampler} · {steps} steps · t = {t} · {nfe}</source>
        <translation>{sampler} · {steps} 步 · t = {t} · {nfe}</translation>
    </message>
</context>
<context>
    <name>CompareJob</name>
    <message>
        <source>no model yet: train one (Training tab) or open a checkpoint first</source>
        <translation>还没有模型：请先训练一个（训练页）或打开检查点</translation>
    </message>
    <message>
        <source>comparing samplers: run {run}/{runs}, {sampler} {steps} steps …</source>
        <translation>正在对比采样器：第 {run}/{runs} 次运行，{sampler} {steps} 步 …</translation>
    </message>
    <message>
        <source>comparison cancelled during run {run}/{runs}</source>
        <translation>对比已在第 {run}/{runs} 次运行中取消</translation>
    </message>
    <message>
        <source>compared {n} samplers</source>
        <translation>已对比 {n} 个采样器</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>Samples per column</source>
        <extracomment>the columns a fresh tab offers: a few-step ODE sampler, a second-order one, and the full ancestral chain</extracomment>
        <translation>每列的样本数</translation>
    </message>
    <message>
        <source>Same x_T for all, seed</source>
        <translation>所有列使用相同 x_T，随机种子</translation>
    </message>
    <message>
        <source>One seed for all columns: every sampler starts from the same noise</source>
        <translation>所有列共用一个随机种子：每个采样器都从相同的噪声出发</translation>
    </message>
    <message>
        <source>The shared seed of x_T</source>
        <translation>x_T 的共享随机种子</translation>
    </message>
    <message>
        <source>x_t</source>
        <translation>x_t</translation>
    </message>
    <message>
        <source>predicted x₀</source>
        <translation>预测的 x₀</translation>
    </message>
    <message>
        <source>What each column shows</source>
        <translation>每列显示的内容</translation>
    </message>
    <message>
        <source>Add column</source>
        <translation>添加一列</translation>
    </message>
    <message>
        <source>Compare one more sampler (at most four)</source>
        <translation>再对比一个采样器（最多四个）</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Run every column&apos;s sampler on the current model and record each run</source>
        <translation>在当前模型上运行每一列的采样器，并记录每次运行</translation>
    </message>
    <message>
        <source>Export GIF…</source>
        <translation>导出 GIF…</translation>
    </message>
    <message>
        <source>The columns side by side, one frame per t, as an animated GIF</source>
        <translation>把各列并排导出为 GIF 动画，每个 t 一帧</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Error vs NFE</source>
        <translation>误差 vs NFE</translation>
    </message>
    <message>
        <source>press Compare to record the runs</source>
        <translation>按“对比”以记录各次运行</translation>
    </message>
    <message>
        <source>t = {t}</source>
        <translation>t = {t}</translation>
    </message>
    <message>
        <source>t = 0 · final samples</source>
        <translation>t = 0 · 最终样本</translation>
    </message>
    <message>
        <source>drawing x_T…</source>
        <translation>正在生成 x_T…</translation>
    </message>
    <message>
        <source> (queued until training stops)</source>
        <translation>（排队中，等待训练停止）</translation>
    </message>
    <message>
        <source>Comparing {names} from seed {seed}{note}…</source>
        <translation>正在从随机种子 {seed} 对比 {names}{note}…</translation>
    </message>
    <message>
        <source>Export comparison</source>
        <translation>导出对比</translation>
    </message>
    <message>
        <source>GIF (*.gif)</source>
        <translation>GIF (*.gif)</translation>
    </message>
    <message>
        <source>Writing {path}…</source>
        <translation>正在写入 {path}…</translation>
    </message>
    <message>
        <source>Exported {summary}</source>
        <translation>已导出 {summary}</translation>
    </message>
    <message>
        <source>Ready: {dataset} model at step {step:,}. Choose the samplers and press Compare.</source>
        <translation>就绪：{dataset} 模型，第 {step:,} 步。选择采样器后按“对比”。</translation>
    </message>
    <message>
        <source>run {run}/{runs}</source>
        <translation>第 {run}/{runs} 次运行</translation>
    </message>
    <message>
        <source>cancelled: press Compare</source>
        <translation>已取消：请按“对比”</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Comparison cancelled: nothing recorded.</source>
        <translation>对比已取消：没有记录任何内容。</translation>
    </message>
    <message>
        <source>Comparison failed (see the message in the status bar).</source>
        <translation>对比失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>Recorded {names}. Scrub the timeline: every column shows its state at the same t.</source>
        <translation>已记录 {names}。拖动时间轴：每一列都显示同一 t 下的状态。</translation>
    </message>
    <message>
        <source>No model yet: train one in the Training tab or open a checkpoint, then compare samplers here.</source>
        <translation>还没有模型：请在“训练”页训练一个或打开检查点，然后在这里对比采样器。</translation>
    </message>
</context>
<context>
    <name>ConfigDiffTable</name>
    <message>
        <source>These runs share every setting</source>
        <translation>这些运行的所有设置都相同</translation>
    </message>
    <message>
        <source>The settings that differ between the compared runs</source>
        <translation>所对比的运行之间不同的设置</translation>
    </message>
</context>
<context>
    <name>ConfigFields</name>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>A built-in set, or a folder of images / an image or data file</source>
        <translation>内置数据集，或一个图像文件夹 / 一个图像或数据文件</translation>
    </message>
    <message>
        <source>a built-in dataset (moons, swissroll, gaussians8, circles, checkerboard, spiral, digits, shapes) or a path</source>
        <translation>内置数据集（moons、swissroll、gaussians8、circles、checkerboard、spiral、digits、shapes）或一个路径</translation>
    </message>
    <message>
        <source>Image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <source>Side of the square training images in pixels; 0 keeps the source&apos;s size</source>
        <translation>正方形训练图像的边长（像素）；0 表示保持原始尺寸</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>通道</translation>
    </message>
    <message>
        <source>Native, or force grey (1) / RGB (3)</source>
        <translation>保持原样，或强制为灰度（1）/ RGB（3）</translation>
    </message>
    <message>
        <source>native</source>
        <translation>原生</translation>
    </message>
    <message>
        <source>1 · grey</source>
        <translation>1 · 灰度</translation>
    </message>
    <message>
        <source>3 · RGB</source>
        <translation>3 · RGB</translation>
    </message>
    <message>
        <source>0 (native), 1 or 3</source>
        <translation>0（原生）、1 或 3</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>点数</translation>
    </message>
    <message>
        <source>How many 2-D points are drawn from the toy distribution</source>
        <translation>从玩具分布中抽取多少个二维点</translation>
    </message>
    <message>
        <source>Max items</source>
        <translation>最大条目数</translation>
    </message>
    <message>
        <source>Use a random subset of this many images; 0 uses them all</source>
        <translation>随机选用这么多张图像的子集；0 表示全部使用</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>How the noise variance β_t grows with t</source>
        <translation>噪声方差 β_t 随 t 增长的方式</translation>
    </message>
    <message>
        <source>linear</source>
        <translation>线性（linear）</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦（cosine）</translation>
    </message>
    <message>
        <source>quadratic</source>
        <translation>二次（quadratic）</translation>
    </message>
    <message>
        <source>sigmoid</source>
        <translation>S 形（sigmoid）</translation>
    </message>
    <message>
        <source>scaled_linear</source>
        <translation>缩放线性（scaled_linear）</translation>
    </message>
    <message>
        <source>β linear in t from β start to β end (Ho et al. 2020)</source>
        <translation>β 随 t 从 β 起始值线性增长到 β 终止值（Ho et al. 2020）</translation>
    </message>
    <message>
        <source>ᾱ_t follows a squared cosine; β start and β end are not used (Nichol &amp; Dhariwal 2021)</source>
        <translation>ᾱ_t 按余弦平方变化；不使用 β 起始值和 β 终止值（Nichol &amp; Dhariwal 2021）</translation>
    </message>
    <message>
        <source>β = β start + (β end − β start)·(t/T)²: quadratic in t, slow start, fast end. Not Ho et al.&apos;s &quot;quad&quot;, which is linear in √β: that one is scaled_linear here</source>
        <translation>β = β 起始值 + (β 终止值 − β 起始值)·(t/T)²：关于 t 的二次函数，开始慢、结束快。不是 Ho et al. 的 &quot;quad&quot;（它关于 √β 线性），那个在这里叫 scaled_linear</translation>
    </message>
    <message>
        <source>β follows a logistic ramp over [−6, 6], renormalized to start exactly at β start and end exactly at β end; diffusers&apos; &quot;sigmoid&quot; (GeoDiff, Xu et al. 2022) is not renormalized, so its first and last β miss the endpoints by about 0.25% of the span</source>
        <translation>β 沿 [−6, 6] 上的 logistic 曲线变化，并重新归一化，使其恰好从 β 起始值开始、在 β 终止值结束；diffusers 的 &quot;sigmoid&quot;（GeoDiff，Xu et al. 2022）未重新归一化，因此其首尾 β 与端点相差约区间跨度的 0.25%</translation>
    </message>
    <message>
        <source>β linear in √β from β start to β end: Stable Diffusion&apos;s scaled_linear, and what Ho et al.&apos;s code calls &quot;quad&quot;</source>
        <translation>β 从 β 起始值到 β 终止值按 √β 线性变化：即 Stable Diffusion 的 scaled_linear，也是 Ho et al. 代码中所说的 &quot;quad&quot;</translation>
    </message>
    <message>
        <source>Timesteps T</source>
        <translation>时间步数 T</translation>
    </message>
    <message>
        <source>Number of diffusion steps (Ho et al. use 1000)</source>
        <translation>扩散步数（Ho et al. 使用 1000）</translation>
    </message>
    <message>
        <source>β start</source>
        <translation>β 起始值</translation>
    </message>
    <message>
        <source>β_1, the variance added at the first step</source>
        <translation>β_1，第一步加入的方差</translation>
    </message>
    <message>
        <source>β end</source>
        <translation>β 终止值</translation>
    </message>
    <message>
        <source>β_T, the variance added at the last step</source>
        <translation>β_T，最后一步加入的方差</translation>
    </message>
    <message>
        <source>Cosine offset s</source>
        <translation>余弦偏移 s</translation>
    </message>
    <message>
        <source>Small offset s of the cosine schedule (Nichol &amp; Dhariwal 2021)</source>
        <translation>余弦调度的小偏移量 s（Nichol &amp; Dhariwal 2021）</translation>
    </message>
    <message>
        <source>Zero terminal SNR</source>
        <translation>终端信噪比为零</translation>
    </message>
    <message>
        <source>Rescale so that ᾱ_T = 0: the last step is pure noise (Lin et al. 2024)</source>
        <translation>重新缩放使 ᾱ_T = 0：最后一步为纯噪声（Lin et al. 2024）</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Network size: an MLP for 2-D points, a UNet for images</source>
        <translation>网络规模：二维点用 MLP，图像用 UNet</translation>
    </message>
    <message>
        <source>tiny</source>
        <translation>微型（tiny）</translation>
    </message>
    <message>
        <source>small</source>
        <translation>小型（small）</translation>
    </message>
    <message>
        <source>base</source>
        <translation>基础（base）</translation>
    </message>
    <message>
        <source>Class-conditional</source>
        <translation>类别条件</translation>
    </message>
    <message>
        <source>Feed the class label to the network (classifier-free guidance)</source>
        <translation>把类别标签输入网络（用于无分类器引导）</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Dropout probability inside residual blocks</source>
        <translation>残差块内的 Dropout 概率</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Optimizer steps to train</source>
        <translation>要训练的优化器步数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Samples per optimizer step</source>
        <translation>每个优化器步的样本数</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>AdamW learning rate, e.g. 1e-3 or 2e-4</source>
        <translation>AdamW 学习率，例如 1e-3 或 2e-4</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <source>Linear learning-rate warm-up at the start</source>
        <translation>开始时学习率线性预热</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>AdamW weight decay</source>
        <translation>AdamW 权重衰减</translation>
    </message>
    <message>
        <source>Gradient clip</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>Clip the gradient norm to this value (0 = off)</source>
        <translation>将梯度范数裁剪到此值（0 = 关闭）</translation>
    </message>
    <message>
        <source>EMA decay</source>
        <translation>EMA 衰减率</translation>
    </message>
    <message>
        <source>Exponential moving average of the weights used for sampling</source>
        <translation>用于采样的权重指数滑动平均 (EMA)</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测目标</translation>
    </message>
    <message>
        <source>What the network predicts: the noise ε, the clean x₀, or v</source>
        <translation>网络预测什么：噪声 ε、干净样本 x₀，或 v</translation>
    </message>
    <message>
        <source>eps</source>
        <translation>eps（噪声 ε）</translation>
    </message>
    <message>
        <source>x0</source>
        <translation>x0（干净样本 x₀）</translation>
    </message>
    <message>
        <source>v</source>
        <translation>v（速度 v）</translation>
    </message>
    <message>
        <source>Loss weighting</source>
        <translation>损失加权</translation>
    </message>
    <message>
        <source>uniform (Ho et al.&apos;s simple loss) or Min-SNR-γ (Hang et al.)</source>
        <translation>uniform（Ho et al. 的简化损失）或 Min-SNR-γ（Hang et al.）</translation>
    </message>
    <message>
        <source>uniform</source>
        <translation>均匀（uniform）</translation>
    </message>
    <message>
        <source>min_snr</source>
        <translation>Min-SNR（min_snr）</translation>
    </message>
    <message>
        <source>Min-SNR γ</source>
        <translation>Min-SNR γ</translation>
    </message>
    <message>
        <source>Clamp of the SNR weight for min_snr loss weighting</source>
        <translation>min_snr 损失加权中信噪比权重的截断值</translation>
    </message>
    <message>
        <source>Label dropout p_uncond</source>
        <translation>标签丢弃率 p_uncond</translation>
    </message>
    <message>
        <source>Probability that a training label is replaced by the null label, so the one network also learns the unconditional model that classifier-free guidance needs (Ho &amp; Salimans use 0.1 or 0.2)</source>
        <translation>训练标签被替换为空标签的概率，使同一个网络也学到无分类器引导所需的无条件模型（Ho &amp; Salimans 使用 0.1 或 0.2）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Seed for data, initialization and noise: same seed, same run</source>
        <translation>用于数据、初始化和噪声的随机种子：相同的种子，相同的运行</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Where to train: auto picks CUDA, then Apple MPS, then the CPU</source>
        <translation>在哪里训练：auto 依次优先选择 CUDA、Apple MPS、CPU</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动（auto）</translation>
    </message>
    <message>
        <source>cpu</source>
        <translation>cpu</translation>
    </message>
    <message>
        <source>cuda</source>
        <translation>cuda</translation>
    </message>
    <message>
        <source>mps</source>
        <translation>mps</translation>
    </message>
    <message>
        <source>Mixed precision</source>
        <translation>混合精度</translation>
    </message>
    <message>
        <source>Use automatic mixed precision (CUDA only)</source>
        <translation>使用自动混合精度（仅 CUDA）</translation>
    </message>
    <message>
        <source>Preview every</source>
        <translation>预览间隔</translation>
    </message>
    <message>
        <source>Steps between preview samples in the window (0 = never)</source>
        <translation>窗口中两次预览采样之间的步数（0 = 从不）</translation>
    </message>
    <message>
        <source>Quality every</source>
        <translation>质量评估间隔</translation>
    </message>
    <message>
        <source>Minimum steps between live quality scores of EMA samples against real data (kept under ~10% of training time; 0 = off). Saved as quality.csv</source>
        <translation>两次实时质量评分（EMA 样本对比真实数据）之间的最少步数（耗时控制在训练时间的约 10% 以内；0 = 关闭）。保存为 quality.csv</translation>
    </message>
    <message>
        <source>Time budget (s)</source>
        <translation>时间预算（秒）</translation>
    </message>
    <message>
        <source>Stop training after this many seconds of wall time (0 = no limit)</source>
        <translation>经过这么多秒的实际时间后停止训练（0 = 不限）</translation>
    </message>
    <message>
        <source>Exploding gradient norm</source>
        <translation>梯度爆炸范数</translation>
    </message>
    <message>
        <source>A gradient norm above this stops training (exploding gradients)</source>
        <translation>梯度范数超过此值时停止训练（梯度爆炸）</translation>
    </message>
    <message>
        <source>moons</source>
        <translation>双月（moons）</translation>
    </message>
    <message>
        <source>Two interleaving half circles (2 classes)</source>
        <translation>两个交错的半圆（2 个类别）</translation>
    </message>
    <message>
        <source>swissroll</source>
        <translation>瑞士卷（swissroll）</translation>
    </message>
    <message>
        <source>A 2-D swiss roll: one long curled arm</source>
        <translation>二维瑞士卷：一条卷曲的长臂</translation>
    </message>
    <message>
        <source>gaussians8</source>
        <translation>八高斯（gaussians8）</translation>
    </message>
    <message>
        <source>Eight tight Gaussians on a circle (8 classes)</source>
        <translation>圆周上八个紧凑的高斯分布（8 个类别）</translation>
    </message>
    <message>
        <source>circles</source>
        <translation>同心圆（circles）</translation>
    </message>
    <message>
        <source>Two concentric noisy rings (2 classes)</source>
        <translation>两个带噪声的同心圆环（2 个类别）</translation>
    </message>
    <message>
        <source>checkerboard</source>
        <translation>棋盘格（checkerboard）</translation>
    </message>
    <message>
        <source>Uniform points on the dark squares of a 4x4 checkerboard</source>
        <translation>均匀分布在 4x4 棋盘深色格子上的点</translation>
    </message>
    <message>
        <source>spiral</source>
        <translation>螺旋（spiral）</translation>
    </message>
    <message>
        <source>Two interleaved spiral arms (2 classes)</source>
        <translation>两条交错的螺旋臂（2 个类别）</translation>
    </message>
    <message>
        <source>digits</source>
        <translation>手写数字（digits）</translation>
    </message>
    <message>
        <source>1797 real 8x8 handwritten digits (UCI, shipped with the app; 10 classes, grey)</source>
        <translation>1797 张真实的 8x8 手写数字（UCI，随应用附带；10 个类别，灰度）</translation>
    </message>
    <message>
        <source>shapes</source>
        <translation>形状（shapes）</translation>
    </message>
    <message>
        <source>Procedural coloured shapes on plain backgrounds (6 classes, RGB, native 16 px)</source>
        <translation>纯色背景上程序生成的彩色形状（6 个类别，RGB，原生 16 像素）</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Diffusion Lab: unexpected error</source>
        <translation>Diffusion Lab：意外错误</translation>
    </message>
    <message>
        <source>&lt;b&gt;Something went wrong.&lt;/b&gt; Diffusion Lab is still running: the action you were doing did not finish, but your window and data are still open. Saving your work now is a good idea.</source>
        <translation>&lt;b&gt;出错了。&lt;/b&gt;Diffusion Lab 仍在运行：刚才的操作没有完成，但窗口和数据都还在。建议现在保存你的工作。</translation>
    </message>
    <message>
        <source>where: {0}</source>
        <translation>位置：{0}</translation>
    </message>
    <message>
        <source>(the log file could not be written)</source>
        <translation>（无法写入日志文件）</translation>
    </message>
    <message>
        <source>details were saved to: {0}</source>
        <translation>详细信息已保存到：{0}</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>{0} more error happened after this one; see the log file.</source>
        <translation>此后又发生了 {0} 个错误；请查看日志文件。</translation>
    </message>
    <message>
        <source>{0} more errors happened after this one; see the log file.</source>
        <translation>此后还发生了 {0} 个错误，详见日志文件。</translation>
    </message>
</context>
<context>
    <name>DataPreview</name>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Real training samples. Click one to show it in the Forward tab.</source>
        <translation>真实训练样本。点击其中一个可在“前向扩散”页中显示。</translation>
    </message>
    <message>
        <source>The training points (standardized), coloured by angle as in the Forward tab</source>
        <translation>训练点（已标准化），与“前向扩散”页一样按角度着色</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <source>, {0} classes</source>
        <translation>，{0} 个类别</translation>
    </message>
    <message>
        <source>{0}: {1} images, {2}×{3}×{3}{4}</source>
        <translation>{0}：{1} 张图像，{2}×{3}×{3}{4}</translation>
    </message>
    <message>
        <source>{0}: {1} points, standardized{2}</source>
        <translation>{0}：{1} 个点，已标准化{2}</translation>
    </message>
    <message>
        <source>no preview</source>
        <translation>无预览</translation>
    </message>
    <message>
        <source>Cannot load the data: {0}</source>
        <translation>无法加载数据：{0}</translation>
    </message>
    <message>
        <source> and {0} more</source>
        <translation> 等另外 {0} 个</translation>
    </message>
    <message>
        <source>Skipped 1 file: {0}</source>
        <translation>跳过了 1 个文件：{0}</translation>
    </message>
    <message>
        <source>Skipped {0} files: {1}{2}</source>
        <translation>跳过了 {0} 个文件：{1}{2}</translation>
    </message>
</context>
<context>
    <name>DatasetPicker</name>
    <message>
        <source>2-D points</source>
        <translation>二维点</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Open image folder…</source>
        <translation>打开图像文件夹…</translation>
    </message>
    <message>
        <source>Open image / data file…</source>
        <translation>打开图像 / 数据文件…</translation>
    </message>
    <message>
        <source>Open image folder</source>
        <translation>打开图像文件夹</translation>
    </message>
    <message>
        <source>Open image or data file</source>
        <translation>打开图像或数据文件</translation>
    </message>
    <message>
        <source>Images and data (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.npy *.npz *.csv *.txt *-ubyte *-ubyte.gz);;All files (*)</source>
        <translation>图像和数据 (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.npy *.npz *.csv *.txt *-ubyte *-ubyte.gz);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>DrawingTools</name>
    <message>
        <source>Draw</source>
        <translation>绘制</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>擦除</translation>
    </message>
    <message>
        <source>Brush radius, in the canvas&apos;s units</source>
        <translation>画笔半径（画布坐标单位）</translation>
    </message>
    <message>
        <source>Points added per stroke step (each mouse move while drawing)</source>
        <translation>每个笔画步添加的点数（绘制时每次移动鼠标）</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Standardize</source>
        <translation>标准化</translation>
    </message>
    <message>
        <source>Move the drawing to the coordinates the model sees: each axis zero mean and unit std, as training on the points file does</source>
        <translation>把绘图变换到模型看到的坐标：每个坐标轴均值为零、标准差为一，与用点文件训练时的处理相同</translation>
    </message>
    <message>
        <source>Starter…</source>
        <translation>示例图案…</translation>
    </message>
    <message>
        <source>smiley</source>
        <translation>笑脸</translation>
    </message>
    <message>
        <source>letter A</source>
        <translation>字母 A</translation>
    </message>
    <message>
        <source>ring</source>
        <translation>圆环</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Density</source>
        <translation>密度</translation>
    </message>
    <message>
        <source>Save drawing</source>
        <translation>保存绘图</translation>
    </message>
    <message>
        <source>Points (*.csv *.points.npy)</source>
        <translation>点集 (*.csv *.points.npy)</translation>
    </message>
    <message>
        <source>Draw at least 2 points first.</source>
        <translation>请先绘制至少 2 个点。</translation>
    </message>
    <message>
        <source>Cannot save: {0}</source>
        <translation>无法保存：{0}</translation>
    </message>
    <message>
        <source>Saved {0} points to {1} (train it with: diffusion-lab train --dataset {1})</source>
        <translation>已将 {0} 个点保存到 {1}（可用以下命令训练：diffusion-lab train --dataset {1}）</translation>
    </message>
    <message>
        <source>Open points</source>
        <translation>打开点集</translation>
    </message>
    <message>
        <source>Points (*.csv *.txt *.points.npy)</source>
        <translation>点集 (*.csv *.txt *.points.npy)</translation>
    </message>
</context>
<context>
    <name>EngineMessages</name>
    <message>
        <source>finished {0} steps</source>
        <translation>已完成 {0} 步</translation>
    </message>
    <message>
        <source>stopped at step {0}</source>
        <translation>在第 {0} 步停止</translation>
    </message>
    <message>
        <source>time budget of {0} s reached at step {1}</source>
        <translation>在第 {1} 步达到 {0} 秒的时间预算</translation>
    </message>
    <message>
        <source>loss became {0} at step {1}; training stopped and the last good weights were kept (try a lower learning rate or a smaller model)</source>
        <translation>第 {1} 步损失变为 {0}；训练已停止，保留了最后一组正常的权重（可尝试降低学习率或使用更小的模型）</translation>
    </message>
    <message>
        <source>gradients exploded (norm {0}) at step {1}; training stopped and the last good weights were kept (lower the learning rate)</source>
        <translation>第 {1} 步梯度爆炸（范数 {0}）；训练已停止，保留了最后一组正常的权重（请降低学习率）</translation>
    </message>
    <message>
        <source>out of memory on {0} at step {1}; try a smaller batch size or model preset</source>
        <translation>第 {1} 步时 {0} 内存不足；请尝试更小的批大小或模型预设</translation>
    </message>
    <message>
        <source>inversion cancelled at step {0}/{1}</source>
        <translation>反演已在第 {0}/{1} 步取消</translation>
    </message>
    <message>
        <source>reconstruction cancelled at step {0}/{1}</source>
        <translation>重建已在第 {0}/{1} 步取消</translation>
    </message>
    <message>
        <source>variational bound {0} ± {1} bits/dim; L_T {2}, L_0 {3}, sum of L_t-1 {4} bits/dim</source>
        <translation>变分下界 {0} ± {1} 比特/维；L_T {2}，L_0 {3}，L_t-1 之和 {4} 比特/维</translation>
    </message>
    <message>
        <source>variational bound {0} ± {1} bits/dim (estimated from {2} KL terms); L_T {3}, L_0 {4}, sum of L_t-1 {5} bits/dim</source>
        <translation>变分下界 {0} ± {1} 比特/维（由 {2} 个 KL 项估计）；L_T {3}，L_0 {4}，L_t-1 之和 {5} 比特/维</translation>
    </message>
    <message>
        <source>cpu ({0} threads)</source>
        <translation>cpu（{0} 个线程）</translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <source>training is already running; stop it first</source>
        <extracomment>the one signal (by attribute name) that carries each event type</extracomment>
        <translation>训练已在进行；请先停止</translation>
    </message>
    <message>
        <source>stop training before opening a checkpoint</source>
        <translation>打开检查点前请先停止训练</translation>
    </message>
    <message>
        <source>file not found: {0}</source>
        <translation>找不到文件：{0}</translation>
    </message>
    <message>
        <source>permission denied: {0}</source>
        <translation>权限不足：{0}</translation>
    </message>
    <message>
        <source>internal error ({0}); see the log for details</source>
        <translation>内部错误（{0}）；详情见日志</translation>
    </message>
    <message>
        <source>training finished: {0}</source>
        <translation>训练完成：{0}</translation>
    </message>
    <message>
        <source>training stopped at step {0}</source>
        <translation>训练在第 {0} 步停止</translation>
    </message>
    <message>
        <source>training diverged: {0}</source>
        <translation>训练发散：{0}</translation>
    </message>
    <message>
        <source>training failed: {0}</source>
        <translation>训练失败：{0}</translation>
    </message>
    <message>
        <source>model ready: {0}, step {1}</source>
        <translation>模型就绪：{0}，第 {1} 步</translation>
    </message>
    <message>
        <source>building the model of {0} …</source>
        <translation>正在构建 {0} 的模型…</translation>
    </message>
    <message>
        <source>opened checkpoint {0} (step {1})</source>
        <translation>已打开检查点 {0}（第 {1} 步）</translation>
    </message>
    <message>
        <source>nothing to save yet: train a model or open a checkpoint first</source>
        <translation>尚无可保存的内容：请先训练模型或打开检查点</translation>
    </message>
    <message>
        <source>checkpoint saved: {0} (step {1})</source>
        <translation>检查点已保存：{0}（第 {1} 步）</translation>
    </message>
    <message>
        <source>continuing from step {0} to {1}</source>
        <translation>从第 {0} 步继续训练到第 {1} 步</translation>
    </message>
    <message>
        <source>preparing {0} and a {1} model …</source>
        <translation>正在准备 {0} 和 {1} 模型…</translation>
    </message>
    <message>
        <source>training {0} on {1}</source>
        <translation>正在 {1} 上训练 {0}</translation>
    </message>
    <message>
        <source>quality score failed at step {0}: {1}</source>
        <translation>第 {0} 步的质量评分失败：{1}</translation>
    </message>
    <message>
        <source>live quality off: {0}</source>
        <translation>实时质量评估已关闭：{0}</translation>
    </message>
    <message>
        <source>out of memory at step {0}: {1}</source>
        <translation>第 {0} 步内存不足：{1}</translation>
    </message>
    <message>
        <source>no model yet: train one (Training tab) or open a checkpoint first</source>
        <translation>尚无模型：请先训练一个（训练页）或打开检查点</translation>
    </message>
    <message>
        <source>sampling {0} × {1} {2} steps …</source>
        <translation>正在采样 {0} 个样本（{1}，{2} 步）…</translation>
    </message>
    <message>
        <source>sampling cancelled at step {0}/{1}</source>
        <translation>采样在第 {0}/{1} 步取消</translation>
    </message>
    <message>
        <source>sampled {0} in {1:.1f} s ({2} frames recorded, {3:.1f} MB)</source>
        <translation>已采样 {0} 个样本，用时 {1:.1f} 秒（记录了 {2} 帧，{3:.1f} MB）</translation>
    </message>
</context>
<context>
    <name>EquationStrip</name>
    <message>
        <source>x_t: the noisy sample at timestep t</source>
        <translation>x_t：时间步 t 的含噪样本</translation>
    </message>
    <message>
        <source>The sample after this step, at the next timestep the sampler visits (t − 1 in a full chain; a shorter chain skips ahead)</source>
        <translation>这一步之后的样本，位于采样器访问的下一个时间步（完整链中为 t − 1；较短的链会跳过若干时间步）</translation>
    </message>
    <message>
        <source>x₀: the clean data sample (t = 0)</source>
        <translation>x₀：干净样本（t = 0）</translation>
    </message>
    <message>
        <source>ε ~ N(0, I): Gaussian noise, the same shape as x₀</source>
        <translation>ε ~ N(0, I)：高斯噪声，形状与 x₀ 相同</translation>
    </message>
    <message>
        <source>ε_θ(x_t, t): the network&apos;s prediction of the noise in x_t</source>
        <translation>ε_θ(x_t, t)：网络对 x_t 中噪声的预测</translation>
    </message>
    <message>
        <source>x_θ: the network&apos;s prediction of the clean sample x₀, (x_t − √(1−ᾱ_t) ε_θ) / √ᾱ_t (clipped to [−1, 1] for images when Clip x₀ is on)</source>
        <translation>x_θ：网络对干净样本 x₀ 的预测，(x_t − √(1−ᾱ_t) ε_θ) / √ᾱ_t（图像在开启“裁剪 x₀”时裁剪到 [−1, 1]）</translation>
    </message>
    <message>
        <source>x′_θ: the previous step&apos;s prediction of x₀ (DPM-Solver++(2M) remembers it for its second-order correction)</source>
        <translation>x′_θ：上一步对 x₀ 的预测（DPM-Solver++(2M) 保存它用于二阶修正）</translation>
    </message>
    <message>
        <source>ε′_θ: Heun&apos;s second model evaluation, the noise predicted at the end point of the Euler step</source>
        <translation>ε′_θ：Heun 的第二次模型评估，即在 Euler 步终点处预测的噪声</translation>
    </message>
    <message>
        <source>z ~ N(0, I): fresh Gaussian noise drawn for this step</source>
        <translation>z ~ N(0, I)：为这一步新抽取的高斯噪声</translation>
    </message>
    <message>
        <source>β_t: the noise variance added at step t</source>
        <translation>β_t：第 t 步加入的噪声方差</translation>
    </message>
    <message>
        <source>α_t = 1 − β_t: the share of the variance kept at step t (for a step that skips timesteps, ᾱ_t / ᾱ_{t−1})</source>
        <translation>α_t = 1 − β_t：第 t 步保留的方差比例（跳过时间步的一步中为 ᾱ_t / ᾱ_{t−1}）</translation>
    </message>
    <message>
        <source>ᾱ_t = α_1·α_2⋯α_t: how much of the signal&apos;s variance is left after t steps</source>
        <translation>ᾱ_t = α_1·α_2⋯α_t：经过 t 步后信号方差所剩的比例</translation>
    </message>
    <message>
        <source>ᾱ at the next timestep the sampler visits (1 for the clean data)</source>
        <translation>采样器访问的下一个时间步处的 ᾱ（干净样本处为 1）</translation>
    </message>
    <message>
        <source>√ᾱ_t: the scale of the clean signal x₀ in x_t</source>
        <translation>√ᾱ_t：x_t 中干净信号 x₀ 的缩放系数</translation>
    </message>
    <message>
        <source>√(1−ᾱ_t): the scale of the noise ε in x_t</source>
        <translation>√(1−ᾱ_t)：x_t 中噪声 ε 的缩放系数</translation>
    </message>
    <message>
        <source>SNR_t = ᾱ_t / (1 − ᾱ_t): the signal-to-noise ratio at t</source>
        <translation>SNR_t = ᾱ_t / (1 − ᾱ_t)：时间步 t 的信噪比</translation>
    </message>
    <message>
        <source>log SNR_t: the natural log of the signal-to-noise ratio; 0 where signal and noise are equally strong</source>
        <translation>log SNR_t：信噪比的自然对数；信号与噪声同样强时为 0</translation>
    </message>
    <message>
        <source>σ_t: the standard deviation of the noise this step adds; σ_t² = β̃_t (the posterior variance) or β_t (Ho et al., Sec. 3.2)</source>
        <translation>σ_t：这一步加入的噪声的标准差；σ_t² = β̃_t（后验方差）或 β_t（Ho et al., Sec. 3.2）</translation>
    </message>
    <message>
        <source>σ_t = η·√((1−ᾱ_{t−1})/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_{t−1}): DDIM&apos;s noise scale (Eq. 16)</source>
        <translation>σ_t = η·√((1−ᾱ_{t−1})/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_{t−1})：DDIM 的噪声尺度（式 16）</translation>
    </message>
    <message>
        <source>η: DDIM&apos;s stochasticity, 0 = deterministic, 1 = DDPM-like noise</source>
        <translation>η：DDIM 的随机性，0 = 确定性，1 = 类似 DDPM 的噪声</translation>
    </message>
    <message>
        <source>σ = √(1−ᾱ): the noise scale at that timestep (DPM-Solver&apos;s notation)</source>
        <translation>σ = √(1−ᾱ)：该时间步的噪声缩放系数（DPM-Solver 的记号）</translation>
    </message>
    <message>
        <source>α = √ᾱ at the next timestep: the signal scale there</source>
        <translation>α = 下一个时间步处的 √ᾱ：该处的信号缩放系数</translation>
    </message>
    <message>
        <source>λ = log(α/σ) = ½ log SNR: the half log signal-to-noise ratio</source>
        <translation>λ = log(α/σ) = ½ log SNR：对数信噪比的一半</translation>
    </message>
    <message>
        <source>h = λ_{t−1} − λ_t: how far this step moves in half log SNR</source>
        <translation>h = λ_{t−1} − λ_t：这一步在半对数信噪比上前进的距离</translation>
    </message>
    <message>
        <source>r = h_prev / h: the previous step&apos;s h over this one&apos;s</source>
        <translation>r = h_prev / h：上一步的 h 与这一步的 h 之比</translation>
    </message>
    <message>
        <source>D: the x₀ estimate the step uses, extrapolated from this step&apos;s and the previous step&apos;s x_θ (second order)</source>
        <translation>D：这一步使用的 x₀ 估计，由这一步和上一步的 x_θ 外推得到（二阶）</translation>
    </message>
    <message>
        <source>σ = √((1−ᾱ)/ᾱ): Karras et al.&apos;s noise level, the variance-exploding form x_t/√ᾱ = x₀ + σ ε</source>
        <translation>σ = √((1−ᾱ)/ᾱ)：Karras et al. 的噪声水平，即方差爆炸形式 x_t/√ᾱ = x₀ + σ ε</translation>
    </message>
    <message>
        <source>L: the training loss the optimizer minimizes</source>
        <translation>L：优化器最小化的训练损失</translation>
    </message>
    <message>
        <source>𝔼: the average over training samples x₀, noise ε and timesteps t drawn uniformly from 1…T</source>
        <translation>𝔼：对训练样本 x₀、噪声 ε 以及从 1…T 均匀抽取的时间步 t 取平均</translation>
    </message>
    <message>
        <source>‖·‖²: the squared error, averaged over the dimensions of x (the mean squared error)</source>
        <translation>‖·‖²：平方误差，在 x 的各个维度上取平均（均方误差）</translation>
    </message>
    <message>
        <source>v = √ᾱ_t ε − √(1−ᾱ_t) x₀: the v-prediction target (Salimans &amp; Ho 2022)</source>
        <translation>v = √ᾱ_t ε − √(1−ᾱ_t) x₀：v 预测的预测目标（Salimans &amp; Ho 2022）</translation>
    </message>
    <message>
        <source>v_θ(x_t, t): the network&apos;s prediction of v</source>
        <translation>v_θ(x_t, t)：网络对 v 的预测</translation>
    </message>
    <message>
        <source>x_θ(x_t, t): the network&apos;s prediction of x₀</source>
        <translation>x_θ(x_t, t)：网络对 x₀ 的预测</translation>
    </message>
    <message>
        <source>w_t: the Min-SNR-γ loss weight at t, which caps the weight of nearly clean timesteps (Hang et al. 2023)</source>
        <translation>w_t：时间步 t 的 Min-SNR-γ 损失权重，限制接近干净的时间步的权重（Hang et al. 2023）</translation>
    </message>
    <message>
        <source>γ: the Min-SNR clamp (Training form)</source>
        <translation>γ：Min-SNR 的截断值（训练表单）</translation>
    </message>
    <message>
        <source>x₀-prediction</source>
        <translation>x₀ 预测</translation>
    </message>
    <message>
        <source>v-prediction</source>
        <translation>v 预测</translation>
    </message>
    <message>
        <source>Eq. 12 and 16</source>
        <translation>Eq. 12、16</translation>
    </message>
    <message>
        <source>Euler step</source>
        <translation>Euler 步</translation>
    </message>
    <message>
        <source>line 5</source>
        <translation>第 5 行</translation>
    </message>
    <message>
        <source>Equation</source>
        <translation>公式</translation>
    </message>
    <message>
        <source>Show or hide the formula this tab animates, with the values at the timeline&apos;s t substituted; hover a symbol to see what it is</source>
        <translation>显示或隐藏本页所演示的公式（代入时间轴当前 t 的数值）；将鼠标悬停在符号上可查看其含义</translation>
    </message>
    <message>
        <source>t = 0 is the clean data: no noise yet, so SNR is infinite.</source>
        <translation>t = 0 是干净样本：尚未加噪，因此信噪比为无穷大。</translation>
    </message>
    <message>
        <source>The same noise ε at every t: scrubbing only changes the two coefficients.</source>
        <translation>每个 t 使用同一个噪声 ε：拖动时间轴只改变这两个系数。</translation>
    </message>
    <message>
        <source>Move the timeline to t ≥ 1 to substitute its coefficients (training draws t from 1…T).</source>
        <translation>将时间轴移到 t ≥ 1 即可代入该时间步的系数（训练时 t 从 1…T 中抽取）。</translation>
    </message>
    <message>
        <source>Latest loss (smoothed): {0} at step {1}</source>
        <translation>最新损失（平滑）：{0}，第 {1} 步</translation>
    </message>
    <message>
        <source>Run the sampler: the strip then shows the update each recorded step applies, with its coefficients.</source>
        <translation>运行采样器后，此处会显示每个已记录步所执行的更新及其系数。</translation>
    </message>
    <message>
        <source>ᾱ&lt;sub&gt;t&lt;/sub&gt; = 0 (zero terminal SNR): Algorithm 2&apos;s 1/√α&lt;sub&gt;t&lt;/sub&gt; is infinite, so this step is shown as the posterior mean of Eq. 7.</source>
        <translation>ᾱ&lt;sub&gt;t&lt;/sub&gt; = 0（零终端信噪比）：算法 2 中的 1/√α&lt;sub&gt;t&lt;/sub&gt; 为无穷大，因此这一步以式 7 的后验均值形式显示。</translation>
    </message>
    <message>
        <source>Last step: no noise is added.</source>
        <translation>最后一步：不再加入噪声。</translation>
    </message>
    <message>
        <source>σ&lt;sub&gt;t&lt;/sub&gt;² = β̃&lt;sub&gt;t&lt;/sub&gt;, the variance of the posterior q(x&lt;sub&gt;t−1&lt;/sub&gt; | x&lt;sub&gt;t&lt;/sub&gt;, x&lt;sub&gt;0&lt;/sub&gt;)</source>
        <translation>σ&lt;sub&gt;t&lt;/sub&gt;² = β̃&lt;sub&gt;t&lt;/sub&gt;，即后验 q(x&lt;sub&gt;t−1&lt;/sub&gt; | x&lt;sub&gt;t&lt;/sub&gt;, x&lt;sub&gt;0&lt;/sub&gt;) 的方差</translation>
    </message>
    <message>
        <source>No previous x&lt;sub&gt;θ&lt;/sub&gt; yet (the first step of the run or branch): a first-order step, the same as DDIM&apos;s.</source>
        <translation>尚无上一步的 x&lt;sub&gt;θ&lt;/sub&gt;（运行或分支的第一步）：这是一步一阶更新，与 DDIM 相同。</translation>
    </message>
    <message>
        <source>Last step: it lands on the clean data, x&lt;sub&gt;0&lt;/sub&gt; = x&lt;sub&gt;θ&lt;/sub&gt;.</source>
        <translation>最后一步：直接落到干净样本，x&lt;sub&gt;0&lt;/sub&gt; = x&lt;sub&gt;θ&lt;/sub&gt;。</translation>
    </message>
    <message>
        <source>Last step: Heun takes a plain Euler step (σ = 0 at the end).</source>
        <translation>最后一步：Heun 只做一次普通的 Euler 步（终点处 σ = 0）。</translation>
    </message>
    <message>
        <source>Euler on the probability-flow ODE in σ; x is scaled by √(1+σ²) on the way in and out.</source>
        <translation>在 σ 空间中对概率流 ODE 做 Euler 步；进入和离开时 x 按 √(1+σ²) 缩放。</translation>
    </message>
</context>
<context>
    <name>ErrorCurvePlot</name>
    <message>
        <source>t</source>
        <translation>t</translation>
    </message>
    <message>
        <source>mean |x̂₀ − x̂₀ exact|</source>
        <translation>平均 |x̂₀ − 精确 x̂₀|</translation>
    </message>
</context>
<context>
    <name>ErrorVsStepsPlot</name>
    <message>
        <source>K (DDIM steps each way)</source>
        <translation>K（单程 DDIM 步数）</translation>
    </message>
    <message>
        <source>round-trip RMSE</source>
        <translation>往返 RMSE</translation>
    </message>
    <message>
        <source>Error vs K: the round trip repeated for each K in the list</source>
        <translation>误差 vs K：对列表中的每个 K 重复往返</translation>
    </message>
    <message>
        <source>fitted order p = {p:.2f} (RMSE ~ K^-p; 1 for DDIM, a first-order method)</source>
        <translation>拟合阶数 p = {p:.2f}（RMSE ~ K^-p；DDIM 为一阶方法，p = 1）</translation>
    </message>
    <message>
        <source>Give two or more K to fit the order.</source>
        <translation>请给出两个或更多 K 以拟合阶数。</translation>
    </message>
</context>
<context>
    <name>ExperimentFiles</name>
    <message>
        <source>Diffusion Lab experiments (*.json);;All files (*)</source>
        <translation>Diffusion Lab 实验 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>New experiment</source>
        <translation>新建实验</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Cannot open experiment</source>
        <translation>无法打开实验</translation>
    </message>
    <message>
        <source>{0}

{1}: {2}

The current experiment is unchanged.</source>
        <translation>{0}

{1}：{2}

当前实验未改变。</translation>
    </message>
    <message>
        <source>Part of the experiment was not restored</source>
        <translation>实验的部分内容未能恢复</translation>
    </message>
    <message>
        <source>{0}

{1}

The rest of the experiment opened.</source>
        <translation>{0}

{1}

实验的其余部分已打开。</translation>
    </message>
    <message>
        <source>Experiment has invalid values</source>
        <translation>实验包含无效值</translation>
    </message>
    <message>
        <source>{0}

Opened, but {1} value(s) are invalid:
{2}

Fix them in the Experiment panel before training.</source>
        <translation>{0}

已打开，但有 {1} 个值无效：
{2}

请在训练前于“实验”面板中修正。</translation>
    </message>
    <message>
        <source>Opened {0}</source>
        <translation>已打开 {0}</translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <source>Cannot save experiment</source>
        <translation>无法保存实验</translation>
    </message>
    <message>
        <source>Fix the invalid values first:
{0}</source>
        <translation>请先修正无效值：
{0}</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>清除列表</translation>
    </message>
</context>
<context>
    <name>ExperimentForm</name>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Noise schedule</source>
        <translation>噪声调度</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Advanced training</source>
        <translation>高级训练</translation>
    </message>
    <message>
        <source>0 = native size</source>
        <translation>0 = 原始尺寸</translation>
    </message>
    <message>
        <source>0 = all</source>
        <translation>0 = 全部</translation>
    </message>
    <message>
        <source>only used for image data</source>
        <translation>仅用于图像数据</translation>
    </message>
    <message>
        <source>only used for the built-in 2-D sets</source>
        <translation>仅用于内置二维数据集</translation>
    </message>
    <message>
        <source>not used by the cosine schedule</source>
        <translation>余弦调度不使用此项</translation>
    </message>
    <message>
        <source>only used by the cosine schedule</source>
        <translation>仅用于余弦调度</translation>
    </message>
    <message>
        <source>only used with min_snr loss weighting</source>
        <translation>仅用于 min_snr 损失加权</translation>
    </message>
    <message>
        <source>only used by a class-conditional model</source>
        <translation>仅用于类别条件模型</translation>
    </message>
    <message>
        <source>must be {0}, got {1}</source>
        <translation>必须是 {0}，实际为 {1}</translation>
    </message>
    <message>
        <source>must be {0}; got {1}</source>
        <translation>必须是 {0}；实际为 {1}</translation>
    </message>
    <message>
        <source>cannot validate: {0}</source>
        <translation>无法校验：{0}</translation>
    </message>
    <message>
        <source>… and {0} more</source>
        <translation>… 以及另外 {0} 个</translation>
    </message>
    <message>
        <source>1 problem — training can&apos;t start until fixed:</source>
        <translation>1 个问题 — 修正之前无法开始训练：</translation>
    </message>
    <message>
        <source>{0} problems — training can&apos;t start until fixed:</source>
        <translation>{0} 个问题 — 修正之前无法开始训练：</translation>
    </message>
    <message>
        <source>(model description unavailable: {0})</source>
        <translation>（无法获得模型描述：{0}）</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>cannot write the file: {0}</source>
        <translation>无法写入文件：{0}</translation>
    </message>
    <message>
        <source>Nothing to export yet: train a model or sample first.</source>
        <translation>尚无可导出的内容：请先训练模型或进行采样。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Exporting {0}…</source>
        <translation>正在导出 {0}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>cannot export the plot: {0}: {1}</source>
        <translation>无法导出图表：{0}：{1}</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <source>Saved {0} (it was finished before Cancel)</source>
        <translation>已保存 {0}（取消生效前已完成）</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消；未写入任何文件。</translation>
    </message>
    <message>
        <source>cannot write {0}: the plot could not be rendered</source>
        <translation>无法写入 {0}：图表无法渲染</translation>
    </message>
    <message>
        <source>cannot export the plot as SVG: it is not shown in a window</source>
        <translation>无法将图表导出为 SVG：它没有显示在窗口中</translation>
    </message>
    <message>
        <source>cannot export the plot as SVG: nothing was rendered</source>
        <translation>无法将图表导出为 SVG：没有渲染出任何内容</translation>
    </message>
</context>
<context>
    <name>ExportForm</name>
    <message>
        <source>WebP (animated)</source>
        <translation>WebP（动画）</translation>
    </message>
    <message>
        <source>APNG (animated PNG)</source>
        <translation>APNG（动画 PNG）</translation>
    </message>
    <message>
        <source>MP4 (H.264)</source>
        <translation>MP4 (H.264)</translation>
    </message>
    <message>
        <source>PNG image</source>
        <translation>PNG 图像</translation>
    </message>
    <message>
        <source>SVG drawing</source>
        <translation>SVG 矢量图</translation>
    </message>
    <message>
        <source>Reverse process animation (denoising)</source>
        <translation>反向过程动画（去噪）</translation>
    </message>
    <message>
        <source>Forward process animation (noising)</source>
        <translation>前向过程动画（加噪）</translation>
    </message>
    <message>
        <source>Training time-lapse</source>
        <translation>训练延时动画</translation>
    </message>
    <message>
        <source>Sampler comparison, side by side (Compare tab)</source>
        <translation>采样器并排对比（对比页）</translation>
    </message>
    <message>
        <source>Samples: PNG grid or .npy</source>
        <translation>样本：PNG 网格或 .npy</translation>
    </message>
    <message>
        <source>NumPy array</source>
        <translation>NumPy 数组</translation>
    </message>
    <message>
        <source>Process strip at chosen t (PNG)</source>
        <translation>所选 t 处的过程条带图 (PNG)</translation>
    </message>
    <message>
        <source>Loss history</source>
        <translation>损失历史</translation>
    </message>
    <message>
        <source>CSV table</source>
        <translation>CSV 表格</translation>
    </message>
    <message>
        <source>MP4 needs the optional imageio-ffmpeg package: pip install &quot;diffusion-lab[mp4]&quot; (GIF, WebP and APNG work without it).</source>
        <translation>MP4 需要可选的 imageio-ffmpeg 包：pip install &quot;diffusion-lab[mp4]&quot;（GIF、WebP 和 APNG 无需该包）。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>file to write; the extension picks the format</source>
        <translation>要写入的文件；扩展名决定格式</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Animation</source>
        <translation>动画</translation>
    </message>
    <message>
        <source> fps</source>
        <translation> 帧/秒</translation>
    </message>
    <message>
        <source>fixed length</source>
        <translation>固定时长</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>every k-th</source>
        <translation>每隔 k 帧</translation>
    </message>
    <message>
        <source>denser where it changes fast</source>
        <translation>变化快处更密</translation>
    </message>
    <message>
        <source>k = </source>
        <translation>k = </translation>
    </message>
    <message>
        <source>at most </source>
        <translation>最多 </translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>every k-th frame; with &apos;denser…&apos; the same number of frames, spaced unevenly</source>
        <translation>每隔 k 帧取一帧；选“变化快处更密”时帧数相同，但间隔不均匀</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>帧</translation>
    </message>
    <message>
        <source>Hold final frame</source>
        <translation>末帧停留</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>2-D point paths</source>
        <translation>二维点轨迹</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>WebP: 1-100 lossy (default: lossless). MP4: 1-10 (default 8).</source>
        <translation>WebP：1-100 为有损（默认：无损）。MP4：1-10（默认 8）。</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Look</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>x_t (the noisy state)</source>
        <translation>x_t（加噪状态）</translation>
    </message>
    <message>
        <source>predicted x0</source>
        <translation>预测的 x0</translation>
    </message>
    <message>
        <source>both, side by side</source>
        <translation>两者并排</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>whole grid</source>
        <translation>整个网格</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Upscale (nearest)</source>
        <translation>放大（最近邻）</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Grid padding</source>
        <translation>网格间距</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>背景</translation>
    </message>
    <message>
        <source>caption with step / t</source>
        <translation>标注步数 / t</translation>
    </message>
    <message>
        <source>e.g. 1000, 500, 250, 0 (empty: automatic)</source>
        <translation>例如 1000, 500, 250, 0（留空：自动）</translation>
    </message>
    <message>
        <source>Strip at t</source>
        <translation>条带图的 t</translation>
    </message>
    <message>
        <source>reverse (sampling)</source>
        <translation>反向（采样）</translation>
    </message>
    <message>
        <source>forward (noising)</source>
        <translation>前向（加噪）</translation>
    </message>
    <message>
        <source>Strip of</source>
        <translation>条带图来源</translation>
    </message>
    <message>
        <source> px wide</source>
        <translation> 像素宽</translation>
    </message>
    <message>
        <source>auto height</source>
        <translation>自动高度</translation>
    </message>
    <message>
        <source> px high</source>
        <translation> 像素高</translation>
    </message>
    <message>
        <source>Plot size</source>
        <translation>图表尺寸</translation>
    </message>
    <message>
        <source>Plot: {0} (PNG / SVG)</source>
        <translation>图表：{0} (PNG / SVG)</translation>
    </message>
    <message>
        <source>{0} — needs imageio-ffmpeg</source>
        <translation>{0} — 需要 imageio-ffmpeg</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Background colour</source>
        <translation>背景颜色</translation>
    </message>
    <message>
        <source>Strip at t: use whole numbers separated by commas, got {0}</source>
        <translation>条带图的 t：请使用逗号分隔的整数，收到的是 {0}</translation>
    </message>
    <message>
        <source>Choose a file to export to.</source>
        <translation>请选择要导出到的文件。</translation>
    </message>
    <message>
        <source>Unknown extension {0} for this export; use {1}.</source>
        <translation>此导出不支持扩展名 {0}；请使用 {1}。</translation>
    </message>
</context>
<context>
    <name>FieldView</name>
    <message>
        <source>x (standardized: what the model sees)</source>
        <translation>x（标准化后：模型看到的坐标）</translation>
    </message>
</context>
<context>
    <name>FormParts</name>
    <message>
        <source>{0} or 0</source>
        <translation>{0} 或 0</translation>
    </message>
    <message>
        <source>an integer in {0}</source>
        <translation>{0} 内的整数</translation>
    </message>
    <message>
        <source>a number in {0}</source>
        <translation>{0} 内的数</translation>
    </message>
    <message>
        <source>one of {0}</source>
        <translation>{0} 之一</translation>
    </message>
    <message>
        <source>{0}
Allowed: {1}</source>
        <translation>{0}
允许值：{1}</translation>
    </message>
    <message>
        <source>MLP {0}: {1} wide, {2} residual blocks — {3} params</source>
        <translation>MLP {0}：宽 {1}，{2} 个残差块 — {3} 参数</translation>
    </message>
    <message>
        <source>attn {0}x{0}</source>
        <translation>注意力 {0}x{0}</translation>
    </message>
    <message>
        <source>attn at 1/{0} size</source>
        <translation>注意力位于 1/{0} 尺寸</translation>
    </message>
    <message>
        <source>UNet {0}: {1} ch, {2} res blocks, {3} — {4} params</source>
        <translation>UNet {0}：{1} 通道，{2} 残差块，{3} — {4} 参数</translation>
    </message>
    <message>
        <source> · conditional on {0} classes</source>
        <translation> · 以 {0} 个类别为条件</translation>
    </message>
    <message>
        <source> · conditional (if the data has labels)</source>
        <translation> · 类别条件（若数据带标签）</translation>
    </message>
    <message>
        <source>cpu — {0} threads</source>
        <translation>cpu — {0} 个线程</translation>
    </message>
</context>
<context>
    <name>ForwardPanel</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Which training image to diffuse (index into the dataset)</source>
        <translation>要扩散哪张训练图像（数据集中的索引）</translation>
    </message>
    <message>
        <source>Open image…</source>
        <translation>打开图像…</translation>
    </message>
    <message>
        <source>Diffuse any image file instead of a dataset sample</source>
        <translation>对任意图像文件而不是数据集样本进行扩散</translation>
    </message>
    <message>
        <source>Back to dataset</source>
        <translation>返回数据集</translation>
    </message>
    <message>
        <source>Show dataset samples again</source>
        <translation>重新显示数据集样本</translation>
    </message>
    <message>
        <source>New noise</source>
        <translation>新噪声</translation>
    </message>
    <message>
        <source>Draw a new fixed noise ε (the next seed)</source>
        <translation>抽取新的固定噪声 ε（下一个随机种子）</translation>
    </message>
    <message>
        <source>show x₀</source>
        <translation>显示 x₀</translation>
    </message>
    <message>
        <source>Draw the clean points x₀ faintly behind x_t</source>
        <translation>在 x_t 后面淡淡地绘制干净样本点 x₀</translation>
    </message>
    <message>
        <source>x₀  (clean)</source>
        <translation>x₀（干净样本）</translation>
    </message>
    <message>
        <source>Pixel values of x_t</source>
        <translation>x_t 的像素值</translation>
    </message>
    <message>
        <source>Click to move the timeline here</source>
        <translation>点击将时间轴移动到这里</translation>
    </message>
    <message>
        <source>x_t at evenly spaced t — the same ε throughout (click one to jump there)</source>
        <translation>均匀间隔的 t 处的 x_t — 始终使用同一个 ε（点击可跳转）</translation>
    </message>
    <message>
        <source>Coordinates of x_t</source>
        <translation>x_t 的坐标</translation>
    </message>
    <message>
        <source>Loading data…</source>
        <translation>正在加载数据…</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <source>Cannot load the data:
{0}</source>
        <translation>无法加载数据：
{0}</translation>
    </message>
    <message>
        <source>Open image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;All files (*)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot open image</source>
        <translation>无法打开图像</translation>
    </message>
    <message>
        <source>noise seed {0}</source>
        <translation>噪声随机种子 {0}</translation>
    </message>
    <message>
        <source>mean ({0:+.2f}, {1:+.2f})   std ({2:.2f}, {3:.2f})
N(0, I) has mean (0, 0), std (1, 1)</source>
        <translation>均值 ({0:+.2f}, {1:+.2f})   标准差 ({2:.2f}, {3:.2f})
N(0, I) 的均值为 (0, 0)，标准差为 (1, 1)</translation>
    </message>
    <message>
        <source>of {0}  ·  class {1}</source>
        <translation>共 {0} 张  ·  类别 {1}</translation>
    </message>
    <message>
        <source>of {0}</source>
        <translation>共 {0} 张</translation>
    </message>
    <message>
        <source>could not write {0}</source>
        <translation>无法写入 {0}</translation>
    </message>
</context>
<context>
    <name>GuidanceControls</name>
    <message>
        <source>The class to draw; “all classes” draws each in turn, one grid row per class when Samples is a multiple of the number of classes</source>
        <translation>要生成的类别；“所有类别”会依次生成每个类别，当样本数是类别数的整数倍时，每个类别占网格的一行</translation>
    </message>
    <message>
        <source>Classifier-free guidance scale s (Ho &amp; Salimans 2022): larger s gives more typical, less diverse samples of the class</source>
        <translation>无分类器引导强度 s（Ho &amp; Salimans 2022）：s 越大，样本越典型、多样性越低</translation>
    </message>
    <message>
        <source>Guide away from this class instead of away from the unconditional model (a negative prompt); with class “none” it draws anything but this class</source>
        <translation>引导远离此类别，而不是远离无条件模型（即负向提示）；类别为“无”时，生成除此类别以外的任意样本</translation>
    </message>
    <message>
        <source>e.g. 0, 1, 2, 4, 8</source>
        <translation>例如 0, 1, 2, 4, 8</translation>
    </message>
    <message>
        <source>Guidance sweep: one grid row per scale s, one column per class, every row from the same x_T (replaces Samples, Class and Guidance s); the reverse process exports like any run. Empty = off</source>
        <translation>引导强度扫描：每个强度 s 占网格一行，每个类别占一列，每行都从相同的 x_T 出发（取代样本数、类别和引导强度 s）；反向去噪过程可像普通运行一样导出。留空 = 关闭</translation>
    </message>
    <message>
        <source>s = 1: conditional · s = 0: unconditional · s = 1 + w (Ho &amp; Salimans)</source>
        <translation>s = 1：条件 · s = 0：无条件 · s = 1 + w（Ho &amp; Salimans）</translation>
    </message>
    <message>
        <source>The guided noise prediction each sampler step uses</source>
        <translation>采样器每一步使用的引导后噪声预测</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Guidance s</source>
        <translation>引导强度 s</translation>
    </message>
    <message>
        <source>Negative class</source>
        <translation>负向类别</translation>
    </message>
    <message>
        <source>Sweep s</source>
        <translation>扫描 s</translation>
    </message>
    <message>
        <source>all classes (one row each)</source>
        <translation>所有类别（每类一行）</translation>
    </message>
    <message>
        <source>none (unconditional)</source>
        <translation>无（无条件）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Sweep s {message}.</source>
        <translation>扫描 s {message}。</translation>
    </message>
    <message>
        <source>The negative class must differ from the class (guiding away from the class itself cancels the guidance).</source>
        <translation>负向类别必须与类别不同（引导远离类别本身会抵消引导）。</translation>
    </message>
    <message>
        <source> (sweep: a row per s = {rows}, a column per class)</source>
        <translation>（扫描：每个 s = {rows} 一行，每个类别一列）</translation>
    </message>
    <message>
        <source>all classes</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>no class</source>
        <translation>无类别</translation>
    </message>
    <message>
        <source>class {k}</source>
        <translation>类别 {k}</translation>
    </message>
    <message>
        <source>{what}, s = {s:g}</source>
        <translation>{what}，s = {s:g}</translation>
    </message>
    <message>
        <source>, away from {j}</source>
        <translation>，远离 {j}</translation>
    </message>
</context>
<context>
    <name>GuidanceField</name>
    <message>
        <source>Guidance field</source>
        <translation>引导场</translation>
    </message>
    <message>
        <source>Show the conditional (class c), unconditional and guided fields at t</source>
        <translation>显示 t 处的条件场（类别 c）、无条件场和引导场</translation>
    </message>
    <message>
        <source>s = 1 + w (Ho &amp; Salimans 2022): 0 unconditional, 1 conditional</source>
        <translation>s = 1 + w（Ho &amp; Salimans 2022）：0 为无条件，1 为条件</translation>
    </message>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <source>conditional ({0})</source>
        <translation>条件（{0}）</translation>
    </message>
    <message>
        <source>unconditional</source>
        <translation>无条件</translation>
    </message>
    <message>
        <source>guided, s = {0:g}</source>
        <translation>引导，s = {0:g}</translation>
    </message>
</context>
<context>
    <name>GuidanceJob</name>
    <message>
        <source>no model yet: train one (Training tab) or open a checkpoint first</source>
        <translation>还没有模型：请先训练一个（训练页）或打开检查点</translation>
    </message>
    <message>
        <source>measuring guidance at s = {scales} …</source>
        <translation>正在测量引导效果，s = {scales} …</translation>
    </message>
    <message>
        <source>the measurement failed (see the crash log)</source>
        <translation>测量失败（详见崩溃日志）</translation>
    </message>
    <message>
        <source>guidance measured at {n} scales</source>
        <translation>已在 {n} 个引导强度下完成测量</translation>
    </message>
    <message>
        <source>guidance measurement cancelled</source>
        <translation>引导测量已取消</translation>
    </message>
</context>
<context>
    <name>GuidanceMeasure</name>
    <message>
        <source>Measure guidance</source>
        <translation>测量引导</translation>
    </message>
    <message>
        <source>Classifier accuracy, Fréchet distance, precision and recall against the guidance scale s (the sweep&apos;s scales, or 0, 1, 2, 4, 8)</source>
        <translation>分类器准确率、Fréchet 距离、精确率和召回率随引导强度 s 的变化（使用扫描中的强度，或 0, 1, 2, 4, 8）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Samples per class at each scale</source>
        <translation>每个强度下每个类别的样本数</translation>
    </message>
    <message>
        <source>DDIM steps (η = 0) per sample</source>
        <translation>每个样本的 DDIM 步数（η = 0）</translation>
    </message>
    <message>
        <source>per class</source>
        <translation>每类</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>share</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>classifier accuracy</source>
        <translation>分类器准确率</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Fréchet distance</source>
        <translation>Fréchet 距离</translation>
    </message>
    <message>
        <source>guidance scale s</source>
        <translation>引导强度 s</translation>
    </message>
    <message>
        <source>The trade-off is scored by a digits classifier, so it needs a conditional digits model; on a 2-D set, see the Guidance field in the 2-D lab.</source>
        <translation>这一权衡由手写数字分类器评分，因此需要类别条件的手写数字模型；对二维数据集，请使用二维实验室中的“引导”字段。</translation>
    </message>
    <message>
        <source>measuring {0} scales …</source>
        <translation>正在测量 {0} 个引导强度 …</translation>
    </message>
    <message>
        <source>cancelled after {0} scales</source>
        <translation>已在 {0} 个引导强度后取消</translation>
    </message>
    <message>
        <source>{0} samples per scale, model step {1}</source>
        <translation>每个强度 {0} 个样本，模型第 {1} 步</translation>
    </message>
</context>
<context>
    <name>HelpActions</name>
    <message>
        <source>&amp;Start here…</source>
        <translation>从这里开始(&amp;S)…</translation>
    </message>
    <message>
        <source>Three one-click experiments and the keyboard shortcuts</source>
        <translation>三个一键实验和键盘快捷键</translation>
    </message>
    <message>
        <source>&amp;What am I looking at?</source>
        <translation>我在看什么？(&amp;W)</translation>
    </message>
    <message>
        <source>Explain the current tab&apos;s view and the paper it follows</source>
        <translation>解释当前标签页显示的内容及其依据的论文</translation>
    </message>
    <message>
        <source>Quit while training?</source>
        <translation>训练尚未结束，要退出吗？</translation>
    </message>
    <message>
        <source>A model is training. Quitting stops it; save a checkpoint first to keep it (you can continue it later).</source>
        <translation>模型正在训练。退出会停止训练；若要保留这个模型，请先保存检查点（之后可以接着训练）。</translation>
    </message>
    <message>
        <source>Stop and quit</source>
        <translation>停止并退出</translation>
    </message>
    <message>
        <source>Save checkpoint and quit</source>
        <translation>保存检查点并退出</translation>
    </message>
    <message>
        <source>Save checkpoint</source>
        <translation>保存检查点</translation>
    </message>
    <message>
        <source>Checkpoint file (*.safetensors);;Run folder (any name without .safetensors)</source>
        <translation>检查点文件 (*.safetensors);;运行文件夹（名称不带 .safetensors 即可）</translation>
    </message>
</context>
<context>
    <name>HelpTexts</name>
    <message>
        <source>Schedule: the noise schedule</source>
        <translation>噪声调度：噪声如何逐步加入</translation>
    </message>
    <message>
        <source>This tab plots the noise schedule against the timestep t: β_t, the signal kept ᾱ_t (with √ᾱ_t and √(1−ᾱ_t)) and the log signal-to-noise ratio. The linear schedule is the one of Ho et al. 2020; the cosine schedule (Nichol &amp; Dhariwal 2021) destroys information more slowly in the middle of the range. Move the timeline to read every quantity at one t, and pin curves to compare schedules.</source>
        <translation>本页画出噪声调度随时间步 t 的变化：β_t、保留的信号比例 ᾱ_t（以及 √ᾱ_t 和 √(1−ᾱ_t)），还有对数信噪比。线性调度出自 Ho et al. 2020；余弦调度（Nichol &amp; Dhariwal 2021）在中段破坏信息的速度更慢。拖动时间轴可读出某个 t 处的各项数值，固定曲线后可以对比不同的调度。</translation>
    </message>
    <message>
        <source>Forward: the noising process</source>
        <translation>前向扩散：加噪过程</translation>
    </message>
    <message>
        <source>This tab shows the forward (noising) process, sampled in one step from x₀: x_t = √ᾱ_t · x₀ + √(1−ᾱ_t) · ε (Ho et al. 2020, Eq. 4). The noise ε is drawn once, so scrubbing the timeline shows the same noise growing while the signal fades. The histogram compares the values of x_t with N(0, 1), where every sample ends up at t = T.</source>
        <translation>本页展示前向扩散（加噪）过程，由 x₀ 一步直接采样得到：x_t = √ᾱ_t · x₀ + √(1−ᾱ_t) · ε（Ho et al. 2020, Eq. 4）。噪声 ε 只抽取一次，所以拖动时间轴时，你看到的是同一份噪声逐渐增强、信号逐渐消退。直方图把 x_t 的取值与 N(0, 1) 对比——到 t = T 时，每个样本都会变成这样的纯噪声。</translation>
    </message>
    <message>
        <source>Training: how the model learns</source>
        <translation>训练：模型如何学习</translation>
    </message>
    <message>
        <source>The network learns to predict the noise added to x₀ at a random t (Ho et al. 2020, Alg. 1); Curves plots its loss against the step, and Loss by t over training shows which noise levels are learned first. Variational bound evaluates the model&apos;s bound on the negative log-likelihood term by term, in bits/dim (Ho et al. 2020, Eq. 5; Kingma et al. 2021). The card on the right shows what the EMA weights sample every few steps.</source>
        <translation>网络学习预测在随机时间步 t 加到 x₀ 上的噪声（Ho et al. 2020, Alg. 1）；“曲线”页画出损失随步数的变化，“训练过程中各 t 的损失”页显示哪些噪声水平先被学会。“变分下界”页逐项计算模型负对数似然的上界，单位为比特/维（Ho et al. 2020, Eq. 5；Kingma et al. 2021）。右侧卡片每隔若干步显示一次 EMA 权重生成的样本。</translation>
    </message>
    <message>
        <source>Sampling: the reverse process</source>
        <translation>采样：反向去噪过程</translation>
    </message>
    <message>
        <source>This tab runs the reverse (denoising) process from pure noise x_T to a sample x₀ and records every step. DDPM is Ho et al. 2020, Alg. 2; DDIM is Song et al. 2021, Eq. 12 (η = 0 is deterministic); DPM-Solver++(2M) is Lu et al. 2022, a second-order solver that needs few steps. Scrub the timeline to see x_t, the predicted x₀ and the predicted noise at every step.</source>
        <translation>本页运行反向去噪过程，从纯噪声 x_T 一直走到样本 x₀，并记录每一步。DDPM 对应 Ho et al. 2020, Alg. 2；DDIM 对应 Song et al. 2021, Eq. 12（η = 0 时是确定性的）；DPM-Solver++(2M) 出自 Lu et al. 2022，是只需很少步数的二阶求解器。拖动时间轴即可查看每一步的 x_t、预测的 x₀ 和预测的噪声。</translation>
    </message>
    <message>
        <source>Compare: samplers side by side</source>
        <translation>对比：采样器并排比较</translation>
    </message>
    <message>
        <source>This tab runs 2 to 4 samplers from the same starting noise x_T and aligns them by t on one timeline. Each column counts its model evaluations (NFE): ODE solvers such as DDIM (Song et al. 2021, Eq. 12) and DPM-Solver++ (Lu et al. 2022) reach good samples in far fewer steps than DDPM (Ho et al. 2020, Alg. 2). The Error vs NFE view plots each sampler&apos;s error against its NFE on log-log axes, with the fitted order.</source>
        <translation>本页从同一个初始噪声 x_T 出发运行 2 到 4 个采样器，并在同一条时间轴上按 t 对齐。每一列都会统计模型调用次数（NFE）：DDIM（Song et al. 2021, Eq. 12）和 DPM-Solver++（Lu et al. 2022）这类 ODE 求解器，只需远少于 DDPM（Ho et al. 2020, Alg. 2）的步数就能得到好样本。“误差 vs NFE”视图在双对数坐标上画出各采样器的误差随 NFE 的变化，并给出拟合的阶数。</translation>
    </message>
    <message>
        <source>2-D lab: learned vs exact denoiser</source>
        <translation>二维实验室：学到的去噪器与精确去噪器</translation>
    </message>
    <message>
        <source>Here a model trains on points you draw and is held against the exact answer: for a finite set of points, q(x_t) is a Gaussian mixture, whose score and best denoiser are known in closed form. The arrows show x̂₀ − x_t (or the score) on a grid, and the heatmap shows where the network is wrong. Paths follow the probability-flow ODE (DDIM, η = 0; Song et al. 2021) or the SDE (DDPM) from one x_T over the field.</source>
        <translation>在这里，模型用你绘制的点来训练，并与精确解对照：对有限个点而言，q(x_t) 是一个高斯混合分布，它的分数和最优去噪器都有闭式解。箭头在网格上显示 x̂₀ − x_t（或分数），热图标出网络出错的地方。轨迹从同一个 x_T 出发，沿概率流 ODE（DDIM，η = 0；Song et al. 2021）或 SDE（DDPM）穿过这个场。</translation>
    </message>
    <message>
        <source>Inversion: DDIM backwards</source>
        <translation>反演：反向运行 DDIM</translation>
    </message>
    <message>
        <source>DDIM inversion runs Eq. 12 of Song et al. 2021 with t increasing, mapping a training item x₀ to a latent x_T. DDIM (η = 0) from that x_T reconstructs x₀, and the error map shows what the round trip loses. The plot below shows the round-trip error against the number of steps K on log-log axes: fewer steps, larger error.</source>
        <translation>DDIM 反演让 t 递增地运行 Song et al. 2021 的 Eq. 12，把一个训练样本 x₀ 映射为潜变量 x_T。再从这个 x_T 用 DDIM（η = 0）采样即可重建 x₀，误差图显示这一来一回损失了什么。下方的图在双对数坐标上画出往返误差随步数 K 的变化：步数越少，误差越大。</translation>
    </message>
    <message>
        <source>Runs: training runs compared</source>
        <translation>运行记录：对比多次训练运行</translation>
    </message>
    <message>
        <source>This tab compares saved training runs by step or by wall time, one colour per run: loss, learning rate and sample quality, a distance to real data (Fréchet distance, Heusel et al. 2017, for digits; sliced Wasserstein for 2-D points) as a multiple of what real data scores. Their time-lapse previews play side by side under one step slider, and the settings that differ are listed; select a run to continue training it or to sample it.</source>
        <translation>本页按步数或实际用时对比已保存的训练运行，每次运行一种颜色：损失、学习率和样本质量；样本质量是与真实数据的距离（digits 用 Fréchet 距离，Heusel et al. 2017；二维点用切片 Wasserstein 距离），以真实数据自身得分的倍数表示。各运行的延时预览在同一个步数滑块下并排播放，并列出彼此不同的设置；选中一次运行即可继续训练它或用它采样。</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <source>no image</source>
        <translation>无图像</translation>
    </message>
    <message>
        <source>no images</source>
        <translation>没有图像</translation>
    </message>
</context>
<context>
    <name>InversionImages</name>
    <message>
        <source>x₀ (input)</source>
        <translation>x₀（输入）</translation>
    </message>
    <message>
        <source>x_T (inverted, shown over ±3)</source>
        <translation>x_T（反演结果，按 ±3 显示）</translation>
    </message>
    <message>
        <source>reconstruction x₀′</source>
        <translation>重建 x₀′</translation>
    </message>
    <message>
        <source>error |x₀′ − x₀|</source>
        <translation>误差 |x₀′ − x₀|</translation>
    </message>
    <message>
        <source>press Invert</source>
        <translation>请按“反演”</translation>
    </message>
    <message>
        <source>dark = exact · brightest = {top:.3g}</source>
        <translation>暗 = 精确 · 最亮 = {top:.3g}</translation>
    </message>
</context>
<context>
    <name>InversionJob</name>
    <message>
        <source>no model yet: train one (Training tab) or open a checkpoint first</source>
        <translation>还没有模型：请先训练一个（训练页）或打开检查点</translation>
    </message>
    <message>
        <source>first item must be in [0, {last}], got {start}</source>
        <translation>起始样本必须在 [0, {last}] 之内，当前为 {start}</translation>
    </message>
    <message>
        <source>inverting {n} items over {k} DDIM steps …</source>
        <translation>正在用 {k} 步 DDIM 反演 {n} 个样本 …</translation>
    </message>
    <message>
        <source>round trip of {n} items, K = {k}: RMSE {rmse:.3g} ({seconds:.1f} s)</source>
        <translation>{n} 个样本的往返，K = {k}：RMSE {rmse:.3g}（{seconds:.1f} 秒）</translation>
    </message>
</context>
<context>
    <name>InversionPanel</name>
    <message>
        <source>K: DDIM steps from x₀ up to x_T, and (by default) back down</source>
        <translation>K：从 x₀ 到 x_T 的 DDIM 步数，（默认）也是返回的步数</translation>
    </message>
    <message>
        <source>back with the same K</source>
        <translation>以相同的 K 返回</translation>
    </message>
    <message>
        <source>Untick to reconstruct with another number of steps and see the mismatch</source>
        <translation>取消勾选可用不同的步数重建，并观察不匹配的影响</translation>
    </message>
    <message>
        <source>DDIM steps of the way back (x_T to x₀′)</source>
        <translation>返回（x_T 到 x₀′）的 DDIM 步数</translation>
    </message>
    <message>
        <source>How many items of the model&apos;s training data to invert</source>
        <translation>要反演的模型训练数据样本数</translation>
    </message>
    <message>
        <source>The first training item to invert (e.g. another digit)</source>
        <translation>要反演的第一个训练样本（例如换一个数字）</translation>
    </message>
    <message>
        <source>The round trip is repeated for each K here, for the error-vs-K chart (empty: skip)</source>
        <translation>对这里的每个 K 重复往返，用于“误差 vs K”图（留空：跳过）</translation>
    </message>
    <message>
        <source>Invert</source>
        <translation>反演</translation>
    </message>
    <message>
        <source>Take the items to x_T with DDIM inversion and back, and measure the error</source>
        <translation>用 DDIM 反演把样本变到 x_T 再返回，并测量误差</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>from</source>
        <translation>起始序号</translation>
    </message>
    <message>
        <source>Error vs K</source>
        <translation>误差 vs K</translation>
    </message>
    <message>
        <source>the Inversion tab has no timeline: press Invert</source>
        <translation>反演页没有时间轴：请按“反演”</translation>
    </message>
    <message>
        <source>Inverting {n} items over K = {k} steps…</source>
        <translation>正在以 K = {k} 步反演 {n} 个样本…</translation>
    </message>
    <message>
        <source>Ready: {dataset} model at step {step:,}. Choose K and the items, then press Invert.</source>
        <translation>就绪：{dataset} 模型，第 {step:,} 步。选择 K 和样本，然后按“反演”。</translation>
    </message>
    <message>
        <source>Inversion cancelled.</source>
        <translation>反演已取消。</translation>
    </message>
    <message>
        <source>Inversion failed (see the message in the status bar).</source>
        <translation>反演失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>, {b} back</source>
        <translation>，返回 {b} 步</translation>
    </message>
    <message>
        <source>K = {k}{back}: round-trip RMSE {rmse:.3g}, worst item {worst:.3g}. Fewer steps give a larger error (see Error vs K).</source>
        <translation>K = {k}{back}：往返 RMSE {rmse:.3g}，最差样本 {worst:.3g}。步数越少，误差越大（见“误差 vs K”）。</translation>
    </message>
    <message>
        <source>No model yet: train one in the Training tab or open a checkpoint, then invert its data here.</source>
        <translation>还没有模型：请在“训练”页训练一个或打开检查点，然后在这里反演它的数据。</translation>
    </message>
</context>
<context>
    <name>InversionPoints</name>
    <message>
        <source>x₀ (grey) → x₀′ (colour: error, yellow = worst)</source>
        <translation>x₀（灰色）→ x₀′（颜色：误差，黄色 = 最差）</translation>
    </message>
    <message>
        <source>inverted latents x_T</source>
        <translation>反演得到的隐变量 x_T</translation>
    </message>
</context>
<context>
    <name>JobControls</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <source>unexpected error ({0}); the details are in the crash log</source>
        <translation>意外错误（{0}）；详情见崩溃日志</translation>
    </message>
</context>
<context>
    <name>Lab2D</name>
    <message>
        <source>DDPM (SDE)</source>
        <translation>DDPM (SDE)</translation>
    </message>
    <message>
        <source>DDIM η=0 (ODE)</source>
        <translation>DDIM η=0 (ODE)</translation>
    </message>
    <message>
        <source>DPM++(2M)</source>
        <translation>DPM++(2M)</translation>
    </message>
    <message>
        <source>ODE · DDIM η=0</source>
        <translation>ODE · DDIM η=0</translation>
    </message>
    <message>
        <source>SDE · DDPM</source>
        <translation>SDE · DDPM</translation>
    </message>
    <message>
        <source>shared x_T</source>
        <translation>共同的 x_T</translation>
    </message>
    <message>
        <source>floor (two q(x_t) draws)</source>
        <translation>基准下限（两次 q(x_t) 抽样）</translation>
    </message>
</context>
<context>
    <name>Lab2DExport</name>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Save what the field view shows: a PNG figure, the arrays as field.npz (as the command line&apos;s field command writes), or an animation over t</source>
        <translation>保存场视图所显示的内容：PNG 图、数组文件 field.npz（与命令行 field 命令写出的相同），或随 t 变化的动画</translation>
    </message>
    <message>
        <source>Field and error heatmap at this t (PNG)…</source>
        <translation>此 t 处的场与误差热图 (PNG)…</translation>
    </message>
    <message>
        <source>Field arrays at this t (field.npz)…</source>
        <translation>此 t 处的场数组 (field.npz)…</translation>
    </message>
    <message>
        <source>Field over t (GIF)…</source>
        <translation>随 t 变化的场 (GIF)…</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npz)</source>
        <translation>NumPy 数组 (*.npz)</translation>
    </message>
    <message>
        <source>GIF animation (*.gif)</source>
        <translation>GIF 动画 (*.gif)</translation>
    </message>
    <message>
        <source>Export field</source>
        <translation>导出场</translation>
    </message>
    <message>
        <source>Nothing to export yet: train a model on the drawing first.</source>
        <translation>尚无可导出的内容：请先在绘图上训练模型。</translation>
    </message>
    <message>
        <source>An export is still being written.</source>
        <translation>仍有一个导出正在写入。</translation>
    </message>
    <message>
        <source>Computing the field for {0}…</source>
        <translation>正在为 {0} 计算场…</translation>
    </message>
    <message>
        <source>Writing {0}…</source>
        <translation>正在写入 {0}…</translation>
    </message>
    <message>
        <source>Exported {0}</source>
        <translation>已导出 {0}</translation>
    </message>
</context>
<context>
    <name>Lab2DPanel</name>
    <message>
        <source>Draw at least 2 points first.</source>
        <translation>请先绘制至少 2 个点。</translation>
    </message>
    <message>
        <source>Training continues on the current drawing.</source>
        <translation>训练将在当前绘图上继续。</translation>
    </message>
    <message>
        <source>Another training run is in progress; stop it first.</source>
        <translation>另一个训练运行正在进行；请先停止它。</translation>
    </message>
    <message>
        <source>Training on {0} drawn points; edit the drawing to continue on new points.</source>
        <translation>正在 {0} 个绘制的点上训练；编辑绘图可在新的点上继续。</translation>
    </message>
    <message>
        <source>t = {0} / {1}</source>
        <translation>t = {0} / {1}</translation>
    </message>
    <message>
        <source>mean |x̂₀ − exact| = {0:.4f}</source>
        <translation>平均 |x̂₀ − 精确| = {0:.4f}</translation>
    </message>
    <message>
        <source>median distance to the nearest of {0} training points: exact {1:.3f}, model {2:.3f}</source>
        <translation>到 {0} 个训练点中最近者的距离中位数：精确 {1:.3f}，模型 {2:.3f}</translation>
    </message>
    <message>
        <source>Now training on the edited drawing ({0} points) from step {1}.</source>
        <translation>从第 {1} 步起在编辑后的绘图（{0} 个点）上训练。</translation>
    </message>
    <message>
        <source>Train on drawing</source>
        <translation>用绘图训练</translation>
    </message>
    <message>
        <source>Train a model on the drawn points with the Experiment dock&apos;s settings; edits made while it trains continue the same run on the new points</source>
        <translation>使用实验面板的设置在绘制的点上训练模型；训练期间的编辑会让同一次运行在新的点上继续</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>x̂₀ − x_t (denoising direction)</source>
        <translation>x̂₀ − x_t（去噪方向）</translation>
    </message>
    <message>
        <source>score −ε̂/σ_t</source>
        <translation>分数 −ε̂/σ_t</translation>
    </message>
    <message>
        <source>Exact field</source>
        <translation>精确场</translation>
    </message>
    <message>
        <source>Orange arrows: the exact denoiser of the training points (engine.exact)</source>
        <translation>橙色箭头：训练点的精确去噪器（engine.exact）</translation>
    </message>
    <message>
        <source>Error heatmap</source>
        <translation>误差热图</translation>
    </message>
    <message>
        <source>Error vs t</source>
        <translation>误差随 t 变化</translation>
    </message>
    <message>
        <source>Sample exact vs model</source>
        <translation>精确与模型采样对比</translation>
    </message>
    <message>
        <source>Draw points (or pick a starter), then press Train on drawing.</source>
        <translation>绘制点（或选择一个示例图案），然后点击“用绘图训练”。</translation>
    </message>
    <message>
        <source>t</source>
        <translation>t</translation>
    </message>
    <message>
        <source>Memorization</source>
        <translation>记忆化</translation>
    </message>
    <message>
        <source>Marginals over t</source>
        <translation>各 t 处的边缘分布</translation>
    </message>
    <message>
        <source>sampling …</source>
        <translation>正在采样…</translation>
    </message>
    <message>
        <source>{0} points</source>
        <translation>{0} 个点</translation>
    </message>
</context>
<context>
    <name>Lab2DWorker</name>
    <message>
        <source>no model yet: train one on a drawing (2-D lab) or on a 2-D set first</source>
        <translation>尚无模型：请先在绘图（二维实验室）或二维数据集上训练一个</translation>
    </message>
    <message>
        <source>the 2-D lab needs a model trained on 2-D points; this one was trained on images</source>
        <translation>二维实验室需要在二维点上训练的模型；当前模型是在图像上训练的</translation>
    </message>
    <message>
        <source>t must be in [1, {0}] for this model, got {1}</source>
        <translation>对此模型 t 必须在 [1, {0}] 内，收到的是 {1}</translation>
    </message>
    <message>
        <source>the denoiser must be model or exact, got {0}</source>
        <translation>去噪器必须是 model 或 exact，收到的是 {0}</translation>
    </message>
    <message>
        <source>the guidance field needs a class-conditional model (train with Class-conditional on)</source>
        <translation>引导场需要类别条件模型（请开启“类别条件”后训练）</translation>
    </message>
    <message>
        <source>the class must be in [0, {0}], got {1}</source>
        <translation>类别必须在 [0, {0}] 内，收到的是 {1}</translation>
    </message>
</context>
<context>
    <name>LossByTView</name>
    <message>
        <source>Loss by timestep over training</source>
        <translation>训练过程中各时间步的损失</translation>
    </message>
    <message>
        <source>timestep t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>optimizer step</source>
        <translation>优化器步</translation>
    </message>
    <message>
        <source>mean loss</source>
        <translation>平均损失</translation>
    </message>
    <message>
        <source>log colour</source>
        <translation>对数着色</translation>
    </message>
    <message>
        <source>Colour by log₁₀ of the loss: the small losses at large t stay visible</source>
        <translation>按损失的 log₁₀ 着色：大 t 处的小损失也能看清</translation>
    </message>
    <message>
        <source>Train a model: each column is the mean per-sample loss of a few steps, in bins of t. Hover for values.</source>
        <translation>请训练一个模型：每一列是若干步内按 t 分箱的逐样本平均损失。悬停可查看数值。</translation>
    </message>
    <message>
        <source>log₁₀ mean loss</source>
        <translation>log₁₀ 平均损失</translation>
    </message>
    <message>
        <source>no sample</source>
        <translation>无样本</translation>
    </message>
    <message>
        <source>t {a}–{b} · steps {s0}–{s1} · mean loss {v} ({n} samples)</source>
        <translation>t {a}–{b} · 第 {s0}–{s1} 步 · 平均损失 {v}（{n} 个样本）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>噪声调度</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>前向扩散</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>2-D lab</source>
        <translation>二维实验室</translation>
    </message>
    <message>
        <source>Inversion</source>
        <translation>反演</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间轴</translation>
    </message>
    <message>
        <source>the engine worker could not start ({0})</source>
        <translation>引擎工作线程无法启动（{0}）</translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation>打开检查点</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.ckpt *.pt);;All files (*)</source>
        <translation>检查点 (*.safetensors *.ckpt *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Checkpoints are opened by the Training tab, which is unavailable: {0}</source>
        <translation>检查点由“训练”标签页打开，但该标签页不可用：{0}</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>There is nothing to export on the {0} tab yet.</source>
        <translation>“{0}”标签页还没有可导出的内容。</translation>
    </message>
    <message>
        <source>Fix the invalid experiment values before training</source>
        <translation>请先修正无效的实验参数再开始训练</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>The Training tab is unavailable: {0}</source>
        <translation>“训练”标签页不可用：{0}</translation>
    </message>
    <message>
        <source>Already training: pause or stop the current run first</source>
        <translation>正在训练：请先暂停或停止当前运行</translation>
    </message>
    <message>
        <source>About Diffusion Lab</source>
        <translation>关于 Diffusion Lab</translation>
    </message>
</context>
<context>
    <name>MarginalsPlot</name>
    <message>
        <source>t</source>
        <translation>t</translation>
    </message>
    <message>
        <source>sliced W₂ to q(x_t)</source>
        <translation>到 q(x_t) 的切片 W₂ 距离</translation>
    </message>
</context>
<context>
    <name>NearestHistogram</name>
    <message>
        <source>distance to the nearest training point</source>
        <translation>到最近训练点的距离</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>exact denoiser</source>
        <translation>精确去噪器</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
</context>
<context>
    <name>NfeJob</name>
    <message>
        <source>no model yet: train one (Training tab) or open a checkpoint first</source>
        <translation>还没有模型：请先训练一个（训练页）或打开检查点</translation>
    </message>
    <message>
        <source>error against NFE: {count} samplers at NFE {nfe} …</source>
        <translation>误差 vs NFE：{count} 个采样器，NFE {nfe} …</translation>
    </message>
    <message>
        <source>error against NFE cancelled</source>
        <translation>误差 vs NFE 已取消</translation>
    </message>
    <message>
        <source>error against NFE: {n} runs measured</source>
        <translation>误差 vs NFE：已测量 {n} 次运行</translation>
    </message>
</context>
<context>
    <name>NfeStudyView</name>
    <message>
        <source>sliced Wasserstein</source>
        <extracomment>engine.quality.METRIC_LABELS, spelled out for lupdate; the chart&apos;s axis label translates the engine&apos;s text (tests/gui/test_sampler_menu_texts.py checks that they still match)</extracomment>
        <translation>切片 Wasserstein 距离</translation>
    </message>
    <message>
        <source>Frechet distance (digits)</source>
        <translation>Fréchet 距离（手写数字）</translation>
    </message>
    <message>
        <source>pixel sliced Wasserstein</source>
        <translation>像素切片 Wasserstein 距离</translation>
    </message>
    <message>
        <source>Samples per run (every run starts from the same x_T)</source>
        <translation>每次运行的样本数（每次运行都从相同的 x_T 出发）</translation>
    </message>
    <message>
        <source>The seed of the shared x_T</source>
        <translation>共享 x_T 的随机种子</translation>
    </message>
    <message>
        <source>Model evaluations per run, e.g. 10, 20, 50 (Heun gets the nearest odd count: it evaluates twice per step but the last)</source>
        <translation>每次运行的模型评估次数，例如 10, 20, 50（Heun 取最接近的奇数：它每步评估两次，最后一步除外）</translation>
    </message>
    <message>
        <source>exact answer</source>
        <translation>精确解</translation>
    </message>
    <message>
        <source>model&apos;s T-step run</source>
        <translation>模型的 T 步运行</translation>
    </message>
    <message>
        <source>What the RMSE is measured against. Exact answer (2-D sets): the training points&apos; own probability-flow ODE solved finely, so the error includes the model&apos;s own (the curves flatten onto it). The model&apos;s T-step run from the same x_T: the sampler&apos;s discretization error alone, whose slope is its order.</source>
        <translation>RMSE 的参照。精确解（二维数据集）：对训练点自身的概率流 ODE 进行精细求解，因此误差包含模型自身的误差（曲线会趋平于此）。模型从相同 x_T 出发的 T 步运行：仅为采样器的离散化误差，其斜率即为阶数。</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Run every sampler at each NFE on the current model (off the window&apos;s thread; cached per model and settings)</source>
        <translation>在当前模型上以每个 NFE 运行每个采样器（不占用窗口线程；按模型和设置缓存）</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>NFE</source>
        <translation>NFE</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>参照</translation>
    </message>
    <message>
        <source>Error of the final samples</source>
        <translation>最终样本的误差</translation>
    </message>
    <message>
        <source>RMSE</source>
        <translation>RMSE</translation>
    </message>
    <message>
        <source>Distance to real data</source>
        <translation>与真实数据的距离</translation>
    </message>
    <message>
        <source>metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>NFE (model evaluations)</source>
        <translation>NFE（模型评估次数）</translation>
    </message>
    <message>
        <source>real data</source>
        <translation>真实数据</translation>
    </message>
    <message>
        <source>NFE: give at least two different whole numbers between 1 and {T}, e.g. 10, 20, 50.</source>
        <translation>NFE：请给出至少两个 1 到 {T} 之间的不同整数，例如 10, 20, 50。</translation>
    </message>
    <message>
        <source>From the cache: the same model and settings were measured before.</source>
        <translation>来自缓存：相同的模型和设置之前已测量过。</translation>
    </message>
    <message>
        <source> (queued until training stops)</source>
        <translation>（排队中，等待训练停止）</translation>
    </message>
    <message>
        <source>Running {count} samplers at NFE {nfe}{note}…</source>
        <translation>正在以 NFE {nfe} 运行 {count} 个采样器{note}…</translation>
    </message>
    <message>
        <source>Press Compute: every sampler at each NFE from one x_T, its error against the reference and its distance to real data.</source>
        <translation>按“计算”：从同一个 x_T 出发，以每个 NFE 运行每个采样器，得到它相对参照的误差及与真实数据的距离。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Failed (see the message in the status bar).</source>
        <translation>失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>the exact answer of the training points (so a learned model&apos;s curve flattens at its own error)</source>
        <translation>训练点的精确解（因此学得模型的曲线会在其自身误差处趋平）</translation>
    </message>
    <message>
        <source>the model&apos;s own {T}-step run from the same x_T (DDPM: DDPM-{T} with the same noise)</source>
        <translation>模型自身从相同 x_T 出发的 {T} 步运行（DDPM：使用相同噪声的 DDPM-{T}）</translation>
    </message>
    <message>
        <source>; real-data floor {floor:.4g}</source>
        <translation>；真实数据基准下限 {floor:.4g}</translation>
    </message>
    <message>
        <source>Model at step {step:,}. RMSE against {reference}. Slope = fitted order p of error ~ NFE^-p{floor}.</source>
        <translation>模型位于第 {step:,} 步。RMSE 的参照为{reference}。斜率 = 误差 ~ NFE^-p 的拟合阶数 p{floor}。</translation>
    </message>
    <message>
        <source>{name} · order n/a</source>
        <translation>{name} · 无法拟合阶数</translation>
    </message>
    <message>
        <source>{name} · order {order:.2f}</source>
        <translation>{name} · 阶数 {order:.2f}</translation>
    </message>
    <message>
        <source>No model yet: train one in the Training tab or open a checkpoint.</source>
        <translation>还没有模型：请在“训练”页训练一个或打开检查点。</translation>
    </message>
</context>
<context>
    <name>NoisedPointsPlot</name>
    <message>
        <source>x_t  (colour = each point&apos;s x₀ angle)</source>
        <translation>x_t（颜色 = 各点 x₀ 的角度）</translation>
    </message>
</context>
<context>
    <name>PreviewCard</name>
    <message>
        <source>Previews appear every N steps (Preview every, in the dock&apos;s Advanced section): 20 DDIM steps from the EMA weights, fixed seed.</source>
        <translation>每 N 步出现一次预览（见停靠栏“高级训练”中的“预览间隔”）：用 EMA 权重进行 20 步 DDIM 采样，随机种子固定。</translation>
    </message>
    <message>
        <source>EMA samples</source>
        <translation>EMA 样本</translation>
    </message>
    <message>
        <source>no preview yet</source>
        <translation>尚无预览</translation>
    </message>
    <message>
        <source>EMA samples · step {0:,}</source>
        <translation>EMA 样本 · 第 {0:,} 步</translation>
    </message>
    <message>
        <source>one row per class</source>
        <translation>每个类别一行</translation>
    </message>
    <message>
        <source>one colour per class</source>
        <translation>每个类别一种颜色</translation>
    </message>
    <message>
        <source>20 DDIM steps from the EMA weights, fixed seed{0} · 1 frame kept for the time-lapse export</source>
        <translation>用 EMA 权重进行 20 步 DDIM 采样，随机种子固定{0} · 已为延时导出保留 1 帧</translation>
    </message>
    <message>
        <source>20 DDIM steps from the EMA weights, fixed seed{0} · {1} frames kept for the time-lapse export</source>
        <translation>用 EMA 权重进行 20 步 DDIM 采样，随机种子固定{0} · 已为延时导出保留 {1} 帧</translation>
    </message>
</context>
<context>
    <name>RestoreBox</name>
    <message>
        <source>Restore autosaved training?</source>
        <translation>恢复自动保存的训练？</translation>
    </message>
    <message>
        <source>Diffusion Lab did not close normally last time. Your training was autosaved:</source>
        <translation>Diffusion Lab 上次未正常关闭。你的训练已自动保存：</translation>
    </message>
    <message>
        <source>• older: {0}</source>
        <translation>• 较早：{0}</translation>
    </message>
    <message>
        <source>• … and {0} more</source>
        <translation>• … 以及另外 {0} 个</translation>
    </message>
    <message>
        <source>Restore opens the newest one. Discard deletes them; Later asks again at the next start.</source>
        <translation>“恢复”打开最新的一个。“丢弃”删除它们；“稍后”会在下次启动时再次询问。</translation>
    </message>
    <message>
        <source>Restore opens the newest one. Discard deletes it; Later asks again at the next start.</source>
        <translation>“恢复”打开最新的一个。“丢弃”删除它；“稍后”会在下次启动时再次询问。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
</context>
<context>
    <name>ReverseProcessPlot</name>
    <message>
        <source>Reverse process in 2-D</source>
        <translation>二维反向去噪过程</translation>
    </message>
    <message>
        <source>predicted x₀</source>
        <translation>预测的 x₀</translation>
    </message>
    <message>
        <source>x_t (coloured by final position)</source>
        <translation>x_t（按最终位置着色）</translation>
    </message>
    <message>
        <source>paths of {n} points</source>
        <translation>{n} 个点的轨迹</translation>
    </message>
    <message>
        <source>Sampling… step {step}/{total}</source>
        <translation>采样中… 第 {step}/{total} 步</translation>
    </message>
</context>
<context>
    <name>RunCurves</name>
    <message>
        <source>Align by step</source>
        <translation>按步数对齐</translation>
    </message>
    <message>
        <source>Align by wall time</source>
        <translation>按实际用时对齐</translation>
    </message>
    <message>
        <source>Overlay the runs by optimizer step, or by seconds since each run started (which run learns faster in real time)</source>
        <translation>按优化器步数，或按各运行开始后的秒数叠加各运行（看哪个运行在实际时间中学得更快）</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Sample quality</source>
        <translation>样本质量</translation>
    </message>
    <message>
        <source>× real-data floor</source>
        <translation>× 真实数据基准下限</translation>
    </message>
    <message>
        <source>real data</source>
        <translation>真实数据</translation>
    </message>
    <message>
        <source>quality.csv: how far the samples are from real data, as a multiple of what real data scores (1.0 = as good as real data; lower is better)</source>
        <translation>quality.csv：样本与真实数据的差距，以真实数据自身得分的倍数表示（1.0 = 与真实数据一样好；越低越好）</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Open run folders (File › Compare runs…) and tick them in the list to overlay their curves.</source>
        <translation>打开运行文件夹（文件 › 对比运行…），并在列表中勾选它们以叠加其曲线。</translation>
    </message>
    <message>
        <source>seconds since the run started</source>
        <translation>运行开始后的秒数</translation>
    </message>
    <message>
        <source>optimizer step</source>
        <translation>优化器步数</translation>
    </message>
</context>
<context>
    <name>RunsPanel</name>
    <message>
        <source>Recent runs: tick the ones to compare</source>
        <translation>最近的运行：勾选要对比的运行</translation>
    </message>
    <message>
        <source>Add runs…</source>
        <translation>添加运行…</translation>
    </message>
    <message>
        <source>Open run folders, or a folder holding runs (File › Compare runs…)</source>
        <translation>打开运行文件夹，或包含多个运行的文件夹（文件 › 对比运行…）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Take the selected run off the list (its folder is not touched)</source>
        <translation>从列表中移除所选运行（不会改动其文件夹）</translation>
    </message>
    <message>
        <source>Continue training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Load the selected run&apos;s checkpoint; Start on the Training tab continues it</source>
        <translation>加载所选运行的检查点；在训练页点击开始即可继续训练</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Load the selected run&apos;s checkpoint and go to the Sampling tab</source>
        <translation>加载所选运行的检查点并转到采样页</translation>
    </message>
    <message>
        <source>Tick runs to compare them.</source>
        <translation>勾选运行以进行对比。</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Settings that differ</source>
        <translation>不同的设置</translation>
    </message>
    <message>
        <source>Compare runs: pick run folders, or a folder holding runs</source>
        <translation>对比运行：选择运行文件夹，或包含多个运行的文件夹</translation>
    </message>
    <message>
        <source>Reading {0} folder(s)…</source>
        <translation>正在读取 {0} 个文件夹…</translation>
    </message>
    <message>
        <source>{0} (missing)</source>
        <translation>{0}（缺失）</translation>
    </message>
    <message>
        <source>Folder not found: {0}</source>
        <translation>找不到文件夹：{0}</translation>
    </message>
    <message>
        <source>{0} (unreadable)</source>
        <translation>{0}（无法读取）</translation>
    </message>
    <message>
        <source>{0} · {1} · {2:,} steps</source>
        <translation>{0} · {1} · {2:,} 步</translation>
    </message>
    <message>
        <source>{0} run(s) compared. Select one to continue training or sample it.</source>
        <translation>正在对比 {0} 个运行。选择其中一个可继续训练或进行采样。</translation>
    </message>
    <message>
        <source>{0}: no latest samples ({1})</source>
        <translation>{0}：没有最新样本（{1}）</translation>
    </message>
    <message>
        <source>Select a run that has a checkpoint.safetensors first.</source>
        <translation>请先选择一个带有 checkpoint.safetensors 的运行。</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>对比运行</translation>
    </message>
    <message>
        <source>The Runs tab is unavailable: {0}</source>
        <translation>运行记录页不可用：{0}</translation>
    </message>
</context>
<context>
    <name>SampleStrip</name>
    <message>
        <source>Training step: each run shows its preview nearest to it</source>
        <translation>训练步数：每个运行显示最接近该步数的预览</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>drawing the latest samples…</source>
        <translation>正在生成最新样本…</translation>
    </message>
    <message>
        <source>no previews saved</source>
        <translation>未保存预览</translation>
    </message>
    <message>
        <source>step {0:,}</source>
        <translation>第 {0:,} 步</translation>
    </message>
</context>
<context>
    <name>SamplerMenu</name>
    <message>
        <source>How the reverse process steps from x_T to x_0</source>
        <extracomment>the sampler field&apos;s help texts (engine/config.py, SamplingConfig.sampler), spelled out here so lupdate puts them in the catalogue: the menu translates them from the metadata at run time (tests/gui/test_sampler_menu_texts.py checks that this list still matches the engine&apos;s texts)</extracomment>
        <translation>反向去噪过程如何从 x_T 逐步走到 x_0</translation>
    </message>
    <message>
        <source>Ancestral sampling (Ho et al. 2020, Algorithm 2): stochastic, one evaluation per step</source>
        <translation>祖先采样（Ho et al. 2020, Algorithm 2）：随机，每步一次模型评估</translation>
    </message>
    <message>
        <source>DDIM (Song et al. 2021, Eq. 12): deterministic at η = 0, stochastic up to η = 1</source>
        <translation>DDIM（Song et al. 2021, Eq. 12）：η = 0 时为确定性，η 可增大至 1 以引入随机性</translation>
    </message>
    <message>
        <source>DPM-Solver++(2M) (Lu et al. 2022): deterministic, second order, one evaluation per step</source>
        <translation>DPM-Solver++(2M)（Lu et al. 2022）：确定性，二阶，每步一次模型评估</translation>
    </message>
    <message>
        <source>Euler on the probability-flow ODE in σ (Karras et al. 2022): equals DDIM at η = 0</source>
        <translation>以 σ 为变量对概率流 ODE 做 Euler 积分（Karras et al. 2022）：等同于 η = 0 的 DDIM</translation>
    </message>
    <message>
        <source>Heun (Karras et al. 2022, Algorithm 1): second order, two evaluations per step but the last</source>
        <translation>Heun（Karras et al. 2022, Algorithm 1）：二阶，每步两次模型评估（最后一步除外）</translation>
    </message>
    <message>
        <source>step {step}/{total} · t = 0 · final sample</source>
        <translation>第 {step}/{total} 步 · t = 0 · 最终样本</translation>
    </message>
    <message>
        <source>step {step}/{total} · t = {t}</source>
        <translation>第 {step}/{total} 步 · t = {t}</translation>
    </message>
    <message>
        <source>NFE {nfe}</source>
        <translation>NFE {nfe}</translation>
    </message>
    <message>
        <source>NFE {nfe} / {total}</source>
        <translation>NFE {nfe} / {total}</translation>
    </message>
</context>
<context>
    <name>SamplerStudy</name>
    <message>
        <source>Following {0} points with the {1} …</source>
        <translation>正在用{1}跟踪 {0} 个点…</translation>
    </message>
    <message>
        <source>sampling with the {0} …</source>
        <translation>正在用{0}采样…</translation>
    </message>
    <message>
        <source>{0} points from one x_T: the ODE paths (cyan) are smooth and deterministic, the SDE paths (magenta) jitter with fresh noise each step; the dots show where each is at the field&apos;s t.</source>
        <translation>从同一个 x_T 出发的 {0} 个点：ODE 轨迹（青色）平滑且确定，SDE 轨迹（品红色）因每步加入新噪声而抖动；圆点表示各自在场的 t 处的位置。</translation>
    </message>
    <message>
        <source>exact denoiser</source>
        <translation>精确去噪器</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Sample with the trained network, or with the exact denoiser of its training points (engine.exact)</source>
        <translation>使用训练好的网络采样，或使用其训练点的精确去噪器采样（engine.exact）</translation>
    </message>
    <message>
        <source>How many points to follow from the same x_T</source>
        <translation>从同一个 x_T 出发跟踪的点数</translation>
    </message>
    <message>
        <source>ODE vs SDE paths</source>
        <translation>ODE 与 SDE 轨迹</translation>
    </message>
    <message>
        <source>Follow the points from one x_T with DDIM η=0 (deterministic, the probability-flow ODE) and with DDPM (stochastic, the reverse SDE)</source>
        <translation>从同一个 x_T 出发，分别用 DDIM η=0（确定性，概率流 ODE）和 DDPM（随机，反向 SDE）跟踪这些点</translation>
    </message>
    <message>
        <source>Show paths</source>
        <translation>显示轨迹</translation>
    </message>
    <message>
        <source>Sample with</source>
        <translation>采样方式</translation>
    </message>
    <message>
        <source>points</source>
        <translation>个点</translation>
    </message>
    <message>
        <source>Compute marginals</source>
        <translation>计算边缘分布</translation>
    </message>
    <message>
        <source>Sample {0} points with DDPM, DDIM and DPM++(2M) and measure, at each t, how far the x_t cloud is from the forward marginal q(x_t)</source>
        <translation>用 DDPM、DDIM 和 DPM++(2M) 各采样 {0} 个点，并在每个 t 处测量 x_t 点云与前向边缘分布 q(x_t) 的距离</translation>
    </message>
    <message>
        <source>How far each sampler&apos;s x_t cloud is from q(x_t) (training points noised to t), at every t; the dashed floor is what two q(x_t) draws differ by.</source>
        <translation>每个 t 处各采样器的 x_t 点云与 q(x_t)（加噪到 t 的训练点）的距离；虚线基准下限是两次 q(x_t) 抽样之间的差异。</translation>
    </message>
    <message>
        <source>model at step {0}</source>
        <translation>第 {0} 步的模型</translation>
    </message>
    <message>
        <source>{0}, at t = 0 against the data: {1}</source>
        <translation>{0}，在 t = 0 处与数据相比：{1}</translation>
    </message>
</context>
<context>
    <name>SamplingPanel</name>
    <message>
        <source>Sampler steps (≤ the model&apos;s T): one model evaluation each, two for Heun</source>
        <translation>采样器步数（≤ 模型的 T）：每步一次模型评估，Heun 为两次</translation>
    </message>
    <message>
        <source>DDIM stochasticity η: 0 = deterministic, 1 = DDPM-like noise (Song et al. Eq. 16); only DDIM uses it</source>
        <translation>DDIM 随机性 η：0 = 确定性，1 = 类似 DDPM 的噪声（Song et al. Eq. 16）；仅 DDIM 使用</translation>
    </message>
    <message>
        <source>How many samples to draw</source>
        <translation>要生成的样本数</translation>
    </message>
    <message>
        <source>Seed of the starting noise x_T (and of DDPM&apos;s noise): same seed, same samples</source>
        <translation>起始噪声 x_T（及 DDPM 噪声）的随机种子：种子相同，样本相同</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>新的随机种子</translation>
    </message>
    <message>
        <source>EMA weights</source>
        <translation>EMA 权重</translation>
    </message>
    <message>
        <source>Sample with the exponential moving average of the weights (usually better)</source>
        <translation>使用权重的指数滑动平均 (EMA) 采样（通常效果更好）</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Run the sampler on the current model and record every step</source>
        <translation>在当前模型上运行采样器，并记录每一步</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the running sampler</source>
        <translation>停止正在运行的采样器</translation>
    </message>
    <message>
        <source>%v / %m steps</source>
        <translation>%v / %m 步</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Model evaluations (NFE) the run used</source>
        <translation>本次运行使用的模型评估次数 (NFE)</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>Back to the grid of all samples</source>
        <translation>返回所有样本的网格</translation>
    </message>
    <message>
        <source>run the sampler to record a trajectory</source>
        <translation>运行采样器以记录轨迹</translation>
    </message>
    <message>
        <source>No model yet: train one in the Training tab or open a checkpoint (File › Open checkpoint).</source>
        <translation>还没有模型：请在“训练”页训练一个，或打开检查点（文件 › 打开检查点）。</translation>
    </message>
    <message>
        <source>Steps must be ≤ the model&apos;s T = {T}.</source>
        <translation>步数必须 ≤ 模型的 T = {T}。</translation>
    </message>
    <message>
        <source>Samples must be ≤ {n} for images.</source>
        <translation>图像的样本数必须 ≤ {n}。</translation>
    </message>
    <message>
        <source>Samples must be ≤ {n} for points.</source>
        <translation>二维点的样本数必须 ≤ {n}。</translation>
    </message>
    <message>
        <source> (queued between two training steps)</source>
        <translation>（排队中，将在两个训练步之间执行）</translation>
    </message>
    <message>
        <source>Sampling {n} × {sampler}{guidance}, {steps} steps, seed {seed} from the {dataset} model at step {step:,}{note}…</source>
        <translation>正在从第 {step:,} 步的 {dataset} 模型采样 {n} × {sampler}{guidance}，{steps} 步，随机种子 {seed}{note}…</translation>
    </message>
    <message>
        <source>Ready: {dataset} model ({preset}) at step {step:,}. Choose a sampler and press Sample.</source>
        <translation>就绪：{dataset} 模型（{preset}），第 {step:,} 步。选择采样器后按“采样”。</translation>
    </message>
    <message>
        <source>{n} × {sampler}{guidance} {steps} steps, seed {seed}</source>
        <translation>{n} × {sampler}{guidance} {steps} 步，随机种子 {seed}</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source> (every {k}th step kept)</source>
        <translation>（每 {k} 步保留一步）</translation>
    </message>
    <message>
        <source>Recorded {count} frames of {what}{thinned}. Scrub the timeline; click a sample to follow it, or branch from any frame.</source>
        <translation>已记录 {what} 的 {count} 帧{thinned}。拖动时间轴浏览；点击某个样本可跟踪它，也可从任意帧分支。</translation>
    </message>
    <message>
        <source>Branching cancelled.</source>
        <translation>分支已取消。</translation>
    </message>
    <message>
        <source>Sampling cancelled.</source>
        <translation>采样已取消。</translation>
    </message>
    <message>
        <source> The previous trajectory is still shown.</source>
        <translation>仍显示之前的轨迹。</translation>
    </message>
    <message>
        <source>Branching failed (see the message in the status bar).</source>
        <translation>分支失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>Sampling failed (see the message in the status bar).</source>
        <translation>采样失败（详见状态栏中的消息）。</translation>
    </message>
    <message>
        <source>no sampling run yet</source>
        <translation>尚未运行采样</translation>
    </message>
    <message>
        <source>Following sample #{index}</source>
        <translation>正在跟踪样本 #{index}</translation>
    </message>
    <message>
        <source>No model yet: train one in the Training tab or open a checkpoint (File › Open checkpoint), then sample it here.</source>
        <translation>还没有模型：请在“训练”页训练一个，或打开检查点（文件 › 打开检查点），然后在这里采样。</translation>
    </message>
</context>
<context>
    <name>SamplingViews</name>
    <message>
        <source>x_t — current sample</source>
        <translation>x_t — 当前样本</translation>
    </message>
    <message>
        <source>predicted clean sample x₀</source>
        <translation>预测的干净样本 x₀</translation>
    </message>
    <message>
        <source>predicted noise ε</source>
        <translation>预测的噪声 ε</translation>
    </message>
    <message>
        <source>values over [−1, 1]</source>
        <translation>取值范围 [−1, 1]</translation>
    </message>
    <message>
        <source>values over [−3, 3]</source>
        <translation>取值范围 [−3, 3]</translation>
    </message>
    <message>
        <source>run the sampler</source>
        <translation>请运行采样器</translation>
    </message>
    <message>
        <source>Click a sample to follow it through the timeline</source>
        <translation>点击某个样本，沿时间轴跟踪它</translation>
    </message>
    <message>
        <source>Click to go back to all samples</source>
        <translation>点击返回所有样本</translation>
    </message>
    <message>
        <source>sampling… step {step}/{total}</source>
        <translation>采样中… 第 {step}/{total} 步</translation>
    </message>
    <message>
        <source>recording…</source>
        <translation>记录中…</translation>
    </message>
    <message>
        <source>{title} · sample #{index}</source>
        <translation>{title} · 样本 #{index}</translation>
    </message>
</context>
<context>
    <name>SchedulePanel</name>
    <message>
        <source>Pin curves</source>
        <translation>固定曲线</translation>
    </message>
    <message>
        <source>Keep the current curves as a faded dashed overlay to compare schedules</source>
        <translation>将当前曲线保留为淡色虚线叠加层，用于对比不同调度</translation>
    </message>
    <message>
        <source>Clear pins</source>
        <translation>清除固定</translation>
    </message>
    <message>
        <source>Remove every pinned overlay</source>
        <translation>移除所有固定的叠加层</translation>
    </message>
    <message>
        <source>log β axis</source>
        <translation>β 对数轴</translation>
    </message>
    <message>
        <source>Show β_t on a logarithmic axis (small early betas become visible)</source>
        <translation>在对数轴上显示 β_t（早期的小 β 也能看清）</translation>
    </message>
    <message>
        <source>Noise variance per step</source>
        <translation>每步的噪声方差</translation>
    </message>
    <message>
        <source>Signal and noise scales</source>
        <translation>信号与噪声系数</translation>
    </message>
    <message>
        <source>Signal-to-noise ratio</source>
        <translation>信噪比</translation>
    </message>
    <message>
        <source>Training loss weight</source>
        <translation>训练损失权重</translation>
    </message>
    <message>
        <source>√ᾱ&lt;sub&gt;t&lt;/sub&gt; (signal scale)</source>
        <translation>√ᾱ&lt;sub&gt;t&lt;/sub&gt;（信号系数）</translation>
    </message>
    <message>
        <source>√(1−ᾱ&lt;sub&gt;t&lt;/sub&gt;) (noise scale)</source>
        <translation>√(1−ᾱ&lt;sub&gt;t&lt;/sub&gt;)（噪声系数）</translation>
    </message>
    <message>
        <source>{0}: ᾱ at the last step and the range of log SNR; √ᾱ_T is how much of x₀ is left in x_T (0 = pure noise)</source>
        <translation>{0}：最后一步的 ᾱ 以及 log SNR 的范围；√ᾱ_T 表示 x_T 中还剩多少 x₀（0 = 纯噪声）</translation>
    </message>
    <message>
        <source>pin {0}: {1}</source>
        <translation>固定 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Already training: stop the current run first</source>
        <translation>已在训练：请先停止当前运行</translation>
    </message>
    <message>
        <source>Draw points with the left mouse button (or pick a starter), then press Train on drawing.</source>
        <translation>用鼠标左键绘制点（或选一个示例图案），然后点击“用绘图训练”。</translation>
    </message>
    <message>
        <source>Start here</source>
        <translation>从这里开始</translation>
    </message>
    <message>
        <source>Diffusion Lab trains small diffusion models on your computer and shows every step of what they do. Pick an experiment: one click sets it up and starts it. Nothing is downloaded.</source>
        <translation>Diffusion Lab 在你的电脑上训练小型扩散模型，并把它们的每一步都展示出来。选一个实验吧：点一下就会配置好并开始运行。不会下载任何东西。</translation>
    </message>
    <message>
        <source>Moons in 30 seconds</source>
        <translation>30 秒训练双月数据</translation>
    </message>
    <message>
        <source>Trains the moons preset (2-D points) for at most 30 seconds (a time budget), on the Training tab: watch the loss fall and the samples take the shape of two moons.</source>
        <translation>在“训练”页用 moons 预设（二维点）训练最多 30 秒（时间预算）：看着损失下降，样本逐渐变成两个月牙的形状。</translation>
    </message>
    <message>
        <source>Digits in two minutes</source>
        <translation>两分钟训练手写数字</translation>
    </message>
    <message>
        <source>Trains the digits preset (8×8 handwritten digits shipped with the app) for 2 minutes (a time budget: as many steps as your computer manages in that time); on a 2-core laptop CPU the samples start to look like digits within about a minute.</source>
        <translation>用 digits 预设（随应用附带的 8×8 手写数字）训练 2 分钟（时间预算：这段时间内电脑能跑多少步就跑多少步）；在双核笔记本 CPU 上，大约一分钟内样本就开始像数字了。</translation>
    </message>
    <message>
        <source>Draw your own distribution</source>
        <translation>绘制你自己的分布</translation>
    </message>
    <message>
        <source>Opens the 2-D lab in draw mode: draw points with the mouse, train on them, and compare the learned denoiser with the exact one.</source>
        <translation>以绘制模式打开二维实验室：用鼠标画点，在这些点上训练，再把学到的去噪器与精确去噪器对比。</translation>
    </message>
    <message>
        <source>The time budget is in the Experiment panel&apos;s Advanced training section (0 = no limit). Press F1 on any tab to learn what it shows.</source>
        <translation>时间预算位于实验面板的“高级训练”部分（0 表示不限时）。在任意标签页按 F1，可了解它显示的内容。</translation>
    </message>
    <message>
        <source>Keyboard shortcuts…</source>
        <translation>键盘快捷键…</translation>
    </message>
    <message>
        <source>Show this page on start</source>
        <translation>启动时显示此页</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
</context>
<context>
    <name>TimelineWidget</name>
    <message>
        <source>Go to the first position (Home)</source>
        <translation>转到第一个位置 (Home)</translation>
    </message>
    <message>
        <source>Step back (Left)</source>
        <translation>后退一步 (Left)</translation>
    </message>
    <message>
        <source>Play / pause (Space)</source>
        <translation>播放 / 暂停 (Space)</translation>
    </message>
    <message>
        <source>Step forward (Right)</source>
        <translation>前进一步 (Right)</translation>
    </message>
    <message>
        <source>Go to the last position (End)</source>
        <translation>转到最后一个位置 (End)</translation>
    </message>
    <message>
        <source>Timeline position: type a value to jump</source>
        <translation>时间轴位置：输入数值即可跳转</translation>
    </message>
    <message>
        <source>Playback speed (1× sweeps the whole timeline in about six seconds)</source>
        <translation>播放速度（1× 约六秒扫过整个时间轴）</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>frame </source>
        <translation>帧 </translation>
    </message>
    <message>
        <source>frame {0} / {1}  ·  {2}</source>
        <translation>帧 {0} / {1}  ·  {2}</translation>
    </message>
    <message>
        <source>frame {0} / {1}</source>
        <translation>帧 {0} / {1}</translation>
    </message>
    <message>
        <source>t = 0 / {0}  ·  x₀, the clean data  ·  ᾱ = 1  ·  SNR = ∞</source>
        <translation>t = 0 / {0}  ·  x₀，干净数据  ·  ᾱ = 1  ·  SNR = ∞</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Train the model configured in the Experiment dock (Ctrl+Enter)</source>
        <translation>训练“实验”停靠栏中配置的模型（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause after the current step; Resume continues</source>
        <translation>在当前步之后暂停；点击“继续”恢复</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Run exactly one optimizer step, then pause</source>
        <translation>只运行一个优化器步，然后暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop training; the model keeps its weights (save or sample it)</source>
        <translation>停止训练；模型保留其权重（可保存或采样）</translation>
    </message>
    <message>
        <source>Save checkpoint…</source>
        <translation>保存检查点…</translation>
    </message>
    <message>
        <source>Save the model, EMA weights, optimizer and loss history as a safetensors checkpoint</source>
        <translation>将模型、EMA 权重、优化器和损失历史保存为 safetensors 检查点</translation>
    </message>
    <message>
        <source>Continue model</source>
        <translation>继续训练模型</translation>
    </message>
    <message>
        <source>Keep training the model in memory (e.g. an opened checkpoint) instead of starting from scratch. Needs the same data, model and schedule.</source>
        <translation>继续训练内存中的模型（例如已打开的检查点），而不是从头开始。需要相同的数据、模型和噪声调度。</translation>
    </message>
    <message>
        <source>step {0:,}</source>
        <translation>第 {0:,} 步</translation>
    </message>
    <message>
        <source>Optimizer steps per second (previews excluded)</source>
        <translation>每秒优化器步数（不含预览）</translation>
    </message>
    <message>
        <source>Configure an experiment in the dock, then press Start.</source>
        <translation>在停靠栏中配置实验，然后点击“开始”。</translation>
    </message>
    <message>
        <source>Continuing the current model…</source>
        <translation>正在继续训练当前模型…</translation>
    </message>
    <message>
        <source>Preparing {0} and a {1} model…</source>
        <translation>正在准备 {0} 和一个 {1} 模型…</translation>
    </message>
    <message>
        <source>Save checkpoint</source>
        <translation>保存检查点</translation>
    </message>
    <message>
        <source>Checkpoint file (*.safetensors);;Run folder (any name without .safetensors)</source>
        <translation>检查点文件 (*.safetensors);;运行文件夹（任意不带 .safetensors 的名称）</translation>
    </message>
    <message>
        <source>Saving checkpoint to {0}…</source>
        <translation>正在将检查点保存到 {0}…</translation>
    </message>
    <message>
        <source>Stop training before opening a checkpoint.</source>
        <translation>请先停止训练再打开检查点。</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <source>Paused at step {0}. Resume, Step one optimizer step, or Stop.</source>
        <translation>已在第 {0} 步暂停。可以继续、单步执行一个优化器步，或停止。</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>正在训练…</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>将在当前步之后停止…</translation>
    </message>
    <message>
        <source>step {0:,} / {1:,}</source>
        <translation>第 {0:,} / {1:,} 步</translation>
    </message>
    <message>
        <source>elapsed {0} · ETA {1}</source>
        <translation>已用 {0} · 预计剩余 {1}</translation>
    </message>
    <message>
        <source> in {0}</source>
        <translation>，用时 {0}</translation>
    </message>
    <message>
        <source>, smoothed loss {0:.4g}</source>
        <translation>，平滑损失 {0:.4g}</translation>
    </message>
    <message>
        <source>Finished: {0:,} steps{1}{2}. Sample it in the Sampling tab, save a checkpoint, or Start again to continue.</source>
        <translation>已完成：{0:,} 步{1}{2}。可在“采样”页采样、保存检查点，或再次点击“开始”继续训练。</translation>
    </message>
    <message>
        <source>Stopped at step {0:,}{1}. The model keeps its weights: sample it, save it, or tick “Continue model” and Start.</source>
        <translation>已在第 {0:,} 步停止{1}。模型保留其权重：可以采样、保存，或勾选“继续训练模型”后点击“开始”。</translation>
    </message>
    <message>
        <source>Time budget reached: {0}.</source>
        <translation>已达到时间预算：{0}。</translation>
    </message>
    <message>
        <source>Training diverged — {0}.</source>
        <translation>训练发散 — {0}。</translation>
    </message>
    <message>
        <source>Out of memory: {0}.</source>
        <translation>内存不足：{0}。</translation>
    </message>
    <message>
        <source>Training failed: {0}</source>
        <translation>训练失败：{0}</translation>
    </message>
    <message>
        <source>Checkpoint saved to {0}.</source>
        <translation>检查点已保存到 {0}。</translation>
    </message>
    <message>
        <source>Opened a {0} checkpoint at step {1:,}. Start continues training it; the Sampling tab samples it.</source>
        <translation>已打开一个 {0} 检查点（第 {1:,} 步）。点击“开始”继续训练；在“采样”页可对其采样。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <source>sample quality: scored every few hundred steps while training (Quality every; 0 = off)</source>
        <translation>样本质量：训练时每隔几百步评分一次（质量评估间隔；0 = 关闭）</translation>
    </message>
    <message>
        <source>sliced Wasserstein</source>
        <translation>切片 Wasserstein 距离</translation>
    </message>
    <message>
        <source>Frechet distance (digits)</source>
        <translation>Fréchet 距离（digits）</translation>
    </message>
    <message>
        <source>pixel sliced Wasserstein</source>
        <translation>像素切片 Wasserstein 距离</translation>
    </message>
    <message>
        <source>step {0}: {1} inf (samples hold NaN or inf)</source>
        <translation>第 {0} 步：{1} inf（样本含 NaN 或 inf）</translation>
    </message>
    <message>
        <source>step {0}: {1} {2:.3g} = {3:.2f}x real-data floor</source>
        <translation>第 {0} 步：{1} {2:.3g} = 真实数据基准下限的 {3:.2f} 倍</translation>
    </message>
    <message>
        <source>, precision {0:.2f}, recall {1:.2f}</source>
        <translation>，精确率 {0:.2f}，召回率 {1:.2f}</translation>
    </message>
    <message>
        <source>, {0}/10 classes</source>
        <translation>，{0}/10 个类别</translation>
    </message>
    <message>
        <source>log y</source>
        <translation>对数 y 轴</translation>
    </message>
    <message>
        <source>Logarithmic loss axis</source>
        <translation>对数损失轴</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>optimizer step</source>
        <translation>优化器步</translation>
    </message>
    <message>
        <source>per step</source>
        <translation>每步</translation>
    </message>
    <message>
        <source>Loss by timestep</source>
        <translation>各时间步的损失</translation>
    </message>
    <message>
        <source>mean loss</source>
        <translation>平均损失</translation>
    </message>
    <message>
        <source>timestep t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>Mean per-sample loss in {0} timestep buckets over the last {1} training samples: where the network still struggles</source>
        <translation>最近 {1} 个训练样本在 {0} 个时间步分桶中的逐样本平均损失：显示网络仍然吃力的地方</translation>
    </message>
    <message>
        <source>Sample quality</source>
        <translation>样本质量</translation>
    </message>
    <message>
        <source>× real-data floor</source>
        <translation>× 真实数据基准下限</translation>
    </message>
    <message>
        <source>How far the EMA model&apos;s samples are from real data, as a multiple of what real data of the same count scores (1.0 = as good as real data; lower is better). Scored every few hundred steps at under ~10% of training time</source>
        <translation>EMA 模型的样本与真实数据的差距，以同样数量的真实数据得分的倍数表示（1.0 = 与真实数据一样好；越低越好）。每隔几百步评分一次，耗时不超过训练时间的约 10%</translation>
    </message>
    <message>
        <source>real data</source>
        <translation>真实数据</translation>
    </message>
    <message>
        <source>The newest sample-quality score (engine/quality.py)</source>
        <translation>最新的样本质量评分（engine/quality.py）</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
</context>
<context>
    <name>TrainingViews</name>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Loss by t over training</source>
        <translation>训练过程中各 t 的损失</translation>
    </message>
    <message>
        <source>Variational bound</source>
        <translation>变分下界</translation>
    </message>
    <message>
        <source>Which noise levels the network learns first, and where learning stalls</source>
        <translation>网络先学会哪些噪声水平，又在哪里学习停滞</translation>
    </message>
    <message>
        <source>Ho et al. (2020) Eq. 5: the bound on −log p(x₀), term by term, in bits/dim</source>
        <translation>Ho et al. (2020) Eq. 5：−log p(x₀) 的上界，逐项显示，单位为比特/维</translation>
    </message>
</context>
<context>
    <name>UnavailablePanel</name>
    <message>
        <source>The {title} tab is unavailable: {reason}</source>
        <translation>{title} 页不可用：{reason}</translation>
    </message>
</context>
<context>
    <name>ValueHistogram</name>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>density</source>
        <translation>密度</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>Play / pause the timeline</source>
        <translation>播放 / 暂停时间轴</translation>
    </message>
    <message>
        <source>Step the timeline back / forward</source>
        <translation>时间轴后退 / 前进一步</translation>
    </message>
    <message>
        <source>First / last timeline position</source>
        <translation>时间轴的第一个 / 最后一个位置</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>New experiment</source>
        <translation>新建实验</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <source>Save experiment as</source>
        <translation>实验另存为</translation>
    </message>
    <message>
        <source>Export from the current tab</source>
        <translation>从当前标签页导出</translation>
    </message>
    <message>
        <source>Schedule, Forward, Training, Sampling tab</source>
        <translation>噪声调度、前向扩散、训练、采样标签页</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>What am I looking at? (explains the current tab)</source>
        <translation>我在看什么？（解释当前标签页）</translation>
    </message>
    <message>
        <source>&amp;1 Schedule</source>
        <translation>&amp;1 噪声调度</translation>
    </message>
    <message>
        <source>&amp;2 Forward</source>
        <translation>&amp;2 前向扩散</translation>
    </message>
    <message>
        <source>&amp;3 Training</source>
        <translation>&amp;3 训练</translation>
    </message>
    <message>
        <source>&amp;4 Sampling</source>
        <translation>&amp;4 采样</translation>
    </message>
    <message>
        <source>&amp;New experiment</source>
        <translation>新建实验(&amp;N)</translation>
    </message>
    <message>
        <source>Start from the default experiment</source>
        <translation>从默认实验开始</translation>
    </message>
    <message>
        <source>&amp;Open experiment…</source>
        <translation>打开实验(&amp;O)…</translation>
    </message>
    <message>
        <source>Open an experiment file (.json)</source>
        <translation>打开实验文件 (.json)</translation>
    </message>
    <message>
        <source>&amp;Save experiment</source>
        <translation>保存实验(&amp;S)</translation>
    </message>
    <message>
        <source>Save the experiment</source>
        <translation>保存当前实验</translation>
    </message>
    <message>
        <source>Save experiment &amp;as…</source>
        <translation>实验另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the experiment under a new name</source>
        <translation>以新文件名保存实验</translation>
    </message>
    <message>
        <source>Open &amp;checkpoint…</source>
        <translation>打开检查点(&amp;C)…</translation>
    </message>
    <message>
        <source>Load a trained model checkpoint</source>
        <translation>加载已训练模型的检查点</translation>
    </message>
    <message>
        <source>Compare &amp;runs…</source>
        <translation>对比运行(&amp;R)…</translation>
    </message>
    <message>
        <source>Open several run folders and compare their curves and samples (Runs tab)</source>
        <translation>打开多个运行文件夹，对比它们的曲线和样本（运行记录标签页）</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export what the current tab shows</source>
        <translation>导出当前标签页显示的内容</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Quit Diffusion Lab</source>
        <translation>退出 Diffusion Lab</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>Train a model with this experiment (Ctrl+Enter)</source>
        <translation>用此实验训练模型 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>&amp;Play / pause</source>
        <translation>播放 / 暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Play or pause the timeline</source>
        <translation>播放或暂停时间轴</translation>
    </message>
    <message>
        <source>Step &amp;back</source>
        <translation>后退一步(&amp;B)</translation>
    </message>
    <message>
        <source>Previous position</source>
        <translation>上一个位置</translation>
    </message>
    <message>
        <source>Step &amp;forward</source>
        <translation>前进一步(&amp;F)</translation>
    </message>
    <message>
        <source>Next position</source>
        <translation>下一个位置</translation>
    </message>
    <message>
        <source>&amp;First position</source>
        <translation>第一个位置(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Last position</source>
        <translation>最后一个位置(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Diffusion Lab</source>
        <translation>关于 Diffusion Lab(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>&amp;Experiment panel</source>
        <translation>实验面板(&amp;E)</translation>
    </message>
    <message>
        <source>T&amp;imeline</source>
        <translation>时间轴(&amp;I)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>A desktop lab for training small denoising diffusion models (DDPM / DDIM) and watching how they work.</source>
        <translation>一个桌面实验室：训练小型去噪扩散模型（DDPM / DDIM），并观察它们如何工作。</translation>
    </message>
</context>
<context>
    <name>WindowStatusBar</name>
    <message>
        <source>step —</source>
        <translation>步 —</translation>
    </message>
    <message>
        <source>— it/s</source>
        <translation>— it/s</translation>
    </message>
    <message>
        <source>elapsed — · ETA —</source>
        <translation>已用 — · 剩余 —</translation>
    </message>
    <message>
        <source>The device training runs on</source>
        <translation>训练所用的设备</translation>
    </message>
    <message>
        <source>Optimizer step / total</source>
        <translation>优化器步数 / 总步数</translation>
    </message>
    <message>
        <source>Training speed in optimizer steps per second</source>
        <translation>训练速度（每秒优化器步数）</translation>
    </message>
    <message>
        <source>Elapsed training time and estimated time left</source>
        <translation>已用训练时间和预计剩余时间</translation>
    </message>
    <message>
        <source>unsaved experiment</source>
        <translation>未保存的实验</translation>
    </message>
    <message>
        <source>step {0} / {1}</source>
        <translation>步 {0} / {1}</translation>
    </message>
    <message>
        <source>step {0}</source>
        <translation>步 {0}</translation>
    </message>
    <message>
        <source>{0} it/s</source>
        <translation>{0} it/s</translation>
    </message>
    <message>
        <source>elapsed {0} · ETA {1}</source>
        <translation>已用 {0} · 剩余 {1}</translation>
    </message>
</context>
</TS>
